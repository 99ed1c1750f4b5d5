import { sharingForwardPasses } from '@bomrl/core';
import type { Scalar, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { AdaptationData } from './data';
import type { Distance } from './distances';
import { AdaptationError } from './errors';
import { type SurrogateOptions, surrogate } from './surrogates';

/** What defines the penalized lower-level problem max_theta L - lambda D2. */
export interface PenaltySpec {
  /** D2: {@link forwardKL} (Alg(1)), {@link reverseKL} (Alg(2)), {@link l2} (Alg(3)) or your own. */
  readonly distance: Distance;
  /** The penalty weight, > 0. */
  readonly lambda: number;
  readonly surrogate?: SurrogateOptions;
}

/** G(theta, phi) as a tfjs scalar function: differentiable twice in both arguments. */
export type LowerLevelObjective = (theta: Tensor1D, phi: Tensor1D) => Scalar;

/** Throws the package's standard message for a bad lambda. */
export function checkLambda(lambda: number, where = 'adapt'): void {
  if (typeof lambda !== 'number' || !(lambda > 0) || !Number.isFinite(lambda)) {
    throw new AdaptationError(
      `${where}: lambda must be > 0, got ${String(lambda)}; use the constrained variant (delta) for a hard trust region`,
    );
  }
}

/** Throws unless `distance` has the {@link Distance} shape. */
export function checkDistance(distance: Distance, where = 'adapt'): void {
  if (typeof distance !== 'object' || distance === null || typeof distance.value !== 'function') {
    throw new AdaptationError(
      `${where}: distance must be forwardKL, reverseKL, l2 or { name, value(theta, phi, data) => Scalar }`,
    );
  }
}

/**
 * The lower-level objective G(theta, phi) = L(theta; phi) - lambda * D2(phi, theta) on fixed
 * data. This is the function the implicit meta-gradient differentiates: its Hessian in theta
 * and its mixed theta-phi derivatives. phi enters as a tensor argument (through pi_phi in the
 * ratio and the distance), never detached; nu, A and batch weights are constants.
 */
export function lowerLevelObjective(spec: PenaltySpec, data: AdaptationData): LowerLevelObjective {
  checkLambda(spec.lambda, 'lowerLevelObjective');
  checkDistance(spec.distance, 'lowerLevelObjective');
  const L = surrogate(data, spec.surrogate);
  const { distance, lambda } = spec;
  // L and D2 both evaluate pi_theta (and pi_phi) on the batch: one network pass each
  return (theta, phi) =>
    sharingForwardPasses(() =>
      tf.tidy(
        () => tf.sub(L(theta, phi), tf.mul(lambda, distance.value(theta, phi, data))) as Scalar,
      ),
    );
}
