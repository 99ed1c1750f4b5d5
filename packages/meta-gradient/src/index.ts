/**
 * @bomrl/meta-gradient: implicit differentiation through the solution of any inner optimization
 * problem on TensorFlow.js (`customRoot`, `implicitGradient`; the `implicit/` part knows no RL),
 * and the BO-MRL and MAML meta-gradients on your own batch of episodes (the `rl/` part).
 *
 * Importing it imports `@bomrl/core`, which registers tfjs's gradients and the second-order-
 * correct overrides that double-backprop Hessian-vector products rely on. Float64 references
 * for tests are in `@bomrl/meta-gradient/testing`.
 *
 * @packageDocumentation
 */

export * from './implicit/index';
export * from './rl/index';
