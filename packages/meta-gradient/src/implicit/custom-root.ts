import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { BilevelObjective, HvpOptions } from './hvp';
import {
  type ConditionSolveSpec,
  implicitGradientFromCondition,
  type OptimalityCondition,
} from './implicit-condition';
import { checkSense, implicitGradient, type Sense } from './implicit-gradient';
import type { SolveSpec } from './solve';

/** What the backward pass of a {@link customRoot} saw, for the caller to check. */
export interface CustomRootDiagnostics {
  /** ||grad_theta G|| (or ||F||) at the solver's output: 0 is what the theorem assumes. */
  readonly stationarity: number;
  /** Products with H (or A^T) spent on the adjoint solve, and its relative residual. */
  readonly iterations: number;
  readonly relativeResidual: number;
  /** Everything that looked wrong (empty when nothing did). */
  readonly warnings: readonly string[];
}

interface CustomRootCommon {
  /**
   * The inner solver: theta*(phi), by any means (iterations, a closed form, host code, tfjs
   * gradients of its own). It runs outside the caller's gradient tape and is never differentiated.
   */
  readonly solver: (phi: Tensor1D) => Tensor1D;
  /** Stationarity bound for the warning (default 1e-3, absolute). */
  readonly stationarityTol?: number;
  /**
   * Called after every backward pass with its diagnostics. Gradients cannot carry them, so
   * without this callback a warning (a non-stationary solution, an unconverged or indefinite
   * adjoint solve) THROWS instead of being lost.
   */
  readonly onDiagnostics?: (diagnostics: CustomRootDiagnostics) => void;
}

/** theta* is a stationary point of an objective: argmax or argmin (`sense` is required). */
export interface CustomRootObjectiveSpec extends CustomRootCommon {
  /** G(theta, phi), twice differentiable; theta*(phi) = argmax (or argmin) over theta. */
  readonly objective: BilevelObjective;
  readonly sense: Sense;
  /** Adjoint solve H v = g (default CG). */
  readonly solve?: SolveSpec;
  readonly hvp?: HvpOptions;
}

/** theta* is a root of an optimality condition F(theta*, phi) = 0. */
export interface CustomRootConditionSpec extends CustomRootCommon {
  readonly condition: OptimalityCondition;
  /** Adjoint solve A^T u = g (default BiCGSTAB). */
  readonly solve?: ConditionSolveSpec;
}

/**
 * Runs `f` (which takes gradients of its own) inside a backward pass. tfjs keeps ONE active tape
 * per engine: a `tf.grad` started at gradient depth 0 replaces it and, when done, sets it to
 * null, so the outer backward pass that called us would crash on its own clean-up. Give the
 * nested gradients their own tape and put the outer one back afterwards.
 */
function isolatedTape<T>(f: () => T): T {
  const state = tf.engine().state;
  const { activeTape, gradientDepth } = state;
  if (gradientDepth > 0) return f(); // a higher-order gradient: tapes nest as tfjs intends
  try {
    return f();
  } finally {
    state.activeTape = activeTape;
    state.gradientDepth = gradientDepth;
  }
}

/**
 * Runs the inner solver from inside `tf.customGrad`'s forward function. tfjs runs that function
 * as a kernel, and records no gradients inside a kernel, so a solver that takes tfjs gradients of
 * its own (gradient ascent, Newton, `@bomrl/adaptation`) would fail with "Cannot compute
 * gradient". Run it as top-level code with no active tape (so none of its operations land on the
 * tape of a `tf.grad` that called us), then restore the engine's state.
 */
function outsideKernel<T>(f: () => T): T {
  const state = tf.engine().state;
  const { activeTape, gradientDepth, kernelDepth } = state;
  state.activeTape = []; // unused at gradient depth 0; the solver's own tf.grad starts a new one
  state.gradientDepth = 0;
  state.kernelDepth = 0;
  try {
    return f();
  } finally {
    state.activeTape = activeTape;
    state.gradientDepth = gradientDepth;
    state.kernelDepth = kernelDepth;
  }
}

/**
 * The jaxopt / torchopt `custom_root` decorator for TensorFlow.js: wraps an inner solver and
 * the optimality condition its output satisfies into a function phi -> theta*(phi) that
 * `tf.grad` (or any tfjs gradient) differentiates by the implicit function theorem, never
 * through the solver's iterations. `implicitGradient` is the same mathematics in
 * vector-Jacobian form; this is it plugged into tfjs's autodiff with `tf.customGrad`.
 *
 * The backward pass receives g = d outer / d theta*, solves the adjoint system and returns
 * d outer / d phi. Only first-order gradients of the outer loss are supported (the backward
 * pass is not itself differentiable).
 */
export function customRoot(
  spec: CustomRootObjectiveSpec | CustomRootConditionSpec,
): (phi: Tensor1D) => Tensor1D {
  if ('objective' in spec) checkSense('customRoot', spec.sense);
  const backward = (g: Tensor1D, theta: Tensor1D, phi: Tensor1D): Tensor1D => {
    const common = {
      solution: theta,
      params: phi,
      outerGradient: g,
      ...(spec.stationarityTol === undefined ? {} : { stationarityTol: spec.stationarityTol }),
    };
    const result =
      'objective' in spec
        ? implicitGradient({
            ...common,
            objective: spec.objective,
            sense: spec.sense,
            ...(spec.solve ? { solve: spec.solve } : {}),
            ...(spec.hvp ? { hvp: spec.hvp } : {}),
          })
        : implicitGradientFromCondition({
            ...common,
            condition: spec.condition,
            ...(spec.solve ? { solve: spec.solve } : {}),
          });
    result.adjoint.dispose();
    const d = result.diagnostics;
    const diagnostics: CustomRootDiagnostics = {
      stationarity: d.stationarity,
      iterations: d.iterations,
      relativeResidual: d.relativeResidual,
      warnings: d.warnings,
    };
    if (spec.onDiagnostics) spec.onDiagnostics(diagnostics);
    else if (d.warnings.length > 0) {
      result.gradient.dispose();
      throw new Error(
        `customRoot: ${d.warnings.join('; ')} (pass onDiagnostics to receive warnings instead of this error)`,
      );
    }
    return result.gradient;
  };
  // tfjs types the custom function as variadic (inputs..., save): unpack it
  const rooted = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const phi = args[0] as Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const theta = outsideKernel(() => spec.solver(phi as Tensor1D));
    if (theta.rank !== 1) throw new RangeError('customRoot: the solver must return a 1-D tensor');
    save([phi, theta]);
    return {
      value: theta,
      gradFunc: (dy: Tensor, saved: Tensor[]) =>
        isolatedTape(() => backward(dy as Tensor1D, saved[1] as Tensor1D, saved[0] as Tensor1D)),
    };
  });
  return (phi) => {
    if (phi.rank !== 1) throw new RangeError('customRoot: phi must be a 1-D tensor');
    return rooted(phi) as Tensor1D;
  };
}
