/**
 * @bomrl/core: the TensorFlow.js runtime every other bomrl package stands on.
 *
 * Importing this module registers tfjs's gradients (the Node bundle of tfjs-core ships none)
 * and then overrides the ones that are wrong to second order, so nested `tf.grad` is exact.
 *
 * @packageDocumentation
 */

// The one seeded generator and the error base of every package live in @bomrl/envs (plain
// TypeScript, no tfjs); re-exported so tfjs users get them from here.
export {
  BomrlError,
  type BomrlErrorOptions,
  InvalidArgumentError,
  isBomrlError,
  Rng,
  type RngState,
  type SeedLike,
} from '@bomrl/envs';
/** Float64 row-wise softmax of a logits table (the one implementation; from `@bomrl/envs/tabular`). */
export { softmaxPolicy } from '@bomrl/envs/tabular';
export { gradient, hessianVectorProduct, type ScalarFn, valueAndGradient } from './autodiff';
export {
  AUTO_ORDER,
  BACKEND_PACKAGES,
  type BackendChoice,
  type BackendReport,
  BackendUnavailableError,
  type ConcreteBackend,
  selectBackend,
} from './backend';
export { choleskySolve } from './cholesky';
export {
  centralGradient,
  centralHessianVectorProduct,
  type Float64Fn,
  relativeError,
} from './finite-differences';
export { type ParamShapes, packParams, paramCount, unpackParams } from './flat-params';
export {
  holdingForwardPasses,
  setForwardSharing,
  sharedForward,
  sharingForwardPasses,
} from './forward-sharing';
export {
  ensureSecondOrderGradients,
  secondOrderGradientsActive,
  withUncorrectedGradients,
} from './gradients/registration';
export { probeBlocks } from './hessian-blocks';
export { logSoftmax, logSumExp } from './ops/log-softmax';
export { fastTanh } from './ops/tanh';
export { Random, type RandomState } from './random';
export { scoped } from './scope';
