import { logSoftmax, softmaxPolicy } from '@bomrl/core';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { ExactData } from './data';

/**
 * Exact-mode building blocks for a tabular softmax policy whose flat parameters are the logits
 * table `theta[s * nActions + a]`.
 *
 * Gauge: softmax logits are shift-invariant per state, so with the KL distances the maximizer of
 * G is a line per state, not a point. The solvers and the closed form pick the point whose
 * per-state MEAN LOGIT equals phi's (steps are projected off the per-state ones vectors), so
 * theta' - phi has zero mean in every row. The l2 distance is not shift-invariant and needs no
 * gauge. Probabilities never depend on the gauge.
 */

/** log pi_theta(a | s) as an [nStates, nActions] tensor (differentiable twice). */
export function logPolicyTable(theta: Tensor1D, nStates: number, nActions: number): Tensor2D {
  return logSoftmax(tf.reshape(theta, [nStates, nActions]), 1) as Tensor2D;
}

/** nu as an [nStates, 1] float32 column, ready to broadcast over actions. */
export function visitationColumn(data: ExactData): Tensor2D {
  return tf.tensor2d(Float32Array.from(data.visitation), [data.nStates, 1]);
}

/** An [nStates, nActions] float32 constant from a row-major table. */
export function tableConstant(values: ArrayLike<number>, data: ExactData): Tensor2D {
  return tf.tensor2d(Float32Array.from(values), [data.nStates, data.nActions]);
}

/**
 * pi(a | s) in float64 from a logits table (row-major), computed stably.
 * @deprecated Use `softmaxPolicy(logits, nStates, nActions)` from `@bomrl/core`: the one float64
 * row softmax; this is the same function.
 */
export const softmaxTable = softmaxPolicy;

/** {@link softmaxTable} of a flat logits tensor (reads it back from the backend). */
export function policyTable(theta: Tensor1D, nStates: number, nActions: number): Float64Array {
  return softmaxPolicy(theta.dataSync(), nStates, nActions);
}

/**
 * Shifts each state's logits so that their mean equals the reference's (the package's gauge).
 * Returns a new float64 array; probabilities are unchanged.
 */
export function matchRowMeans(
  values: ArrayLike<number>,
  reference: ArrayLike<number>,
  nStates: number,
  nActions: number,
): Float64Array {
  const out = Float64Array.from(values);
  for (let s = 0; s < nStates; s++) {
    let shift = 0;
    for (let a = 0; a < nActions; a++) {
      shift += (reference[s * nActions + a] as number) - (values[s * nActions + a] as number);
    }
    shift /= nActions;
    for (let a = 0; a < nActions; a++)
      out[s * nActions + a] = (out[s * nActions + a] as number) + shift;
  }
  return out;
}
