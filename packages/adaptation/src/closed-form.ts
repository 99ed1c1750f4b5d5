import type { Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { AdaptationData, ExactData, Weighting } from './data';
import { validateData, weightValues } from './data';
import { type Distance, reverseKL } from './distances';
import { checkLambda } from './objective';
import type { SurrogateOptions } from './surrogates';

/**
 * Alg(2)'s exact solution for a tabular softmax policy (exact mode):
 * pi_theta'(a|s) ∝ pi_phi(a|s) exp(A(s, a) / lambda), i.e. theta' = phi + A / lambda per row.
 *
 * nu cancels per state where nu(s) > 0; states with nu(s) = 0 do not enter G and stay at phi.
 * Gauge: each row's mean logit equals phi's (theta' = phi + (A - mean_a A) / lambda). Weighting
 * by Q gives the same policy (Q - A is constant per state). Computed in float64, returned as
 * float32; the caller owns the tensor.
 */
export function reverseKLClosedForm(
  phi: Tensor1D,
  data: ExactData,
  lambda: number,
  weighting: Weighting = 'advantage',
): Tensor1D {
  checkLambda(lambda, 'reverseKLClosedForm');
  validateData(data, 'reverseKLClosedForm', phi.size);
  const { nStates: S, nActions: A } = data;
  const W = weightValues(data, weighting, 'reverseKLClosedForm');
  const phiValues = phi.dataSync();
  const out = Float64Array.from(phiValues);
  for (let s = 0; s < S; s++) {
    if (!((data.visitation[s] as number) > 0)) continue;
    let mean = 0;
    for (let a = 0; a < A; a++) mean += W[s * A + a] as number;
    mean /= A;
    for (let a = 0; a < A; a++) {
      out[s * A + a] =
        (phiValues[s * A + a] as number) + ((W[s * A + a] as number) - mean) / lambda;
    }
  }
  return tf.tensor1d(Float32Array.from(out));
}

/** Whether {@link reverseKLClosedForm} solves this problem exactly. */
export function closedFormApplies(
  distance: Distance,
  data: AdaptationData,
  surrogateOptions: SurrogateOptions = {},
): boolean {
  return (
    data.kind === 'exact' &&
    distance === reverseKL &&
    (surrogateOptions.ratio ?? 'plain') === 'plain' &&
    surrogateOptions.linearize !== true
  );
}
