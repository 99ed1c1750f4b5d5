import { gradient } from '@bomrl/core';
import type { Scalar, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { type AdaptationData, validateData, type Weighting } from './data';
import { AdaptationError, checkInteger, checkPositive } from './errors';
import { policyGradientSurrogate } from './surrogates';

/** MAML's inner adaptation: k policy-gradient steps. */
export interface MamlProblem {
  /** Step size alpha, > 0 (the standard implementation's default is 0.1). */
  readonly alpha: number;
  /** Inner steps k (default 1). */
  readonly steps?: number;
  /** `'advantage'` (default: REINFORCE with baseline) or `'q'`. */
  readonly weighting?: Weighting;
  /**
   * Exact mode: multiply the gradient by data.visitationMass (sum_{t<H} gamma^t) so that it
   * approximates grad J itself rather than the gradient of the NORMALIZED-visitation objective
   * (default false, the authors' Frozen Lake "PG" convention; see the README).
   */
  readonly scaleByVisitationMass?: boolean;
  /**
   * Fresh data for step k >= 1 at the current parameters. MAML collects NEW data with each
   * inner policy (re-using the first batch with importance ratios would be a different
   * algorithm), so `steps > 1` needs it: exact mode, return exactData({...}) of pi_theta_k;
   * sampled mode, roll out pi_theta_k and return sampledData(policy, batch).
   */
  readonly collect?: (theta: Tensor1D, step: number) => AdaptationData;
}

/** The checks every MAML entry point shares. */
export function checkMaml(problem: MamlProblem): void {
  checkPositive(problem.alpha, 'alpha', 'adapt (maml)', ' (the inner step size)');
  const steps = problem.steps ?? 1;
  checkInteger(steps, 'steps', 'adapt (maml)', 1);
  if (steps > 1 && typeof problem.collect !== 'function') {
    throw new AdaptationError(
      `adapt (maml): steps = ${steps} needs collect(theta, step) => data: MAML takes every inner step on fresh data from the current policy`,
    );
  }
}

/**
 * One policy-gradient step theta + alpha * c * grad L_PG(theta) on `data`, built from tfjs ops
 * so that an outer `tf.grad` differentiates through it (second-order MAML; `@bomrl/core`'s
 * gradients are correct to second order). c is visitationMass with `scaleByVisitationMass`,
 * else 1. The caller owns the result.
 */
export function policyGradientStep(
  theta: Tensor1D,
  data: AdaptationData,
  alpha: number,
  options: { weighting?: Weighting; scaleByVisitationMass?: boolean } = {},
): Tensor1D {
  checkPositive(alpha, 'alpha', 'policyGradientStep');
  validateData(data, 'policyGradientStep', theta.size);
  let scale = 1;
  if (options.scaleByVisitationMass === true) {
    if (data.kind !== 'exact' || data.visitationMass === undefined) {
      throw new AdaptationError(
        'policyGradientStep: scaleByVisitationMass needs exact data with data.visitationMass (sum_{t<H} gamma^t)',
      );
    }
    scale = data.visitationMass;
  }
  const L = policyGradientSurrogate(data, options.weighting);
  return tf.tidy(
    () =>
      tf.add(
        theta,
        tf.mul(
          alpha * scale,
          gradient((t) => L(t) as Scalar, theta),
        ),
      ) as Tensor1D,
  );
}

/** Runs MAML's k inner steps; returns the adapted parameters and the last gradient's norm. */
export function mamlAdapt(
  phi: Tensor1D,
  data: AdaptationData,
  problem: MamlProblem,
): { theta: Tensor1D; steps: number; lastGradNorm: number } {
  checkMaml(problem);
  const steps = problem.steps ?? 1;
  const opts = {
    weighting: problem.weighting,
    scaleByVisitationMass: problem.scaleByVisitationMass,
  };
  let theta = tf.clone(phi);
  let lastGradNorm = 0;
  for (let k = 0; k < steps; k++) {
    const stepData =
      k === 0 ? data : (problem.collect as NonNullable<MamlProblem['collect']>)(theta, k);
    const next = policyGradientStep(theta, stepData, problem.alpha, opts);
    lastGradNorm =
      tf.tidy(() => Math.sqrt(tf.sum(tf.square(tf.sub(next, theta))).dataSync()[0] as number)) /
      problem.alpha;
    theta.dispose();
    theta = next;
  }
  return { theta, steps, lastGradNorm };
}
