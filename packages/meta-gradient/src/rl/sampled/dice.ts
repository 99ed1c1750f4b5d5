import {
  type Distance,
  forwardKL,
  l2,
  lowerLevelObjective,
  type PenaltySpec,
  type RatioTransform,
  reverseKL,
  sampledData,
  transformLogRatio,
} from '@bomrl/adaptation';
import { sharingForwardPasses } from '@bomrl/core';
import type { Policy } from '@bomrl/policies';
import type { Scalar, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { EpisodeTensors } from './episode-tensors';

/**
 * The sampled-mode BO-MRL lower-level objectives G(theta, phi) the implicit hypergradient
 * differentiates (docs/algorithm.md section 3):
 *
 * - 'full': a DiCE-style surrogate that keeps every way phi enters the expected objective: the
 *   sampling of states and actions (score terms through the magic box), the ratio's
 *   denominator and the state weighting of D2.
 * - 'ignore-data': `@bomrl/adaptation`'s {@link lowerLevelObjective} on the flat batch with the
 *   recorded log pi_phi as constants: phi only enters through D2's pi_phi (the authors'
 *   approximation).
 *
 * Both agree in VALUE (and in every theta-derivative) at the phi the data were collected with,
 * so a theta' solved on either is stationary for both, and -Hess_theta G is the same.
 */

/** How the hypergradient treats the data's dependence on phi. */
export type HypergradientMode = 'full' | 'ignore-data';

/** The three distances of the paper (Alg(1)-(3)). */
export type DistanceName = 'forward-kl' | 'reverse-kl' | 'l2';

/** A scalar function of (theta, phi), differentiable twice in both. */
export type ThetaPhiObjective = (theta: Tensor1D, phi: Tensor1D) => Scalar;

/** The `@bomrl/adaptation` distance object of a name. */
export const DISTANCES: Readonly<Record<DistanceName, Distance>> = {
  'forward-kl': forwardKL,
  'reverse-kl': reverseKL,
  l2,
};

/**
 * stop(x): the same values as a constant, so no gradient flows back through it. tfjs-core has
 * no stop-gradient op; a fresh tensor made from the values is not on any tape.
 */
export function stopGradient<T extends Tensor>(x: T): T {
  return tf.tensor(x.dataSync(), x.shape, x.dtype) as T;
}

/**
 * The DiCE "magic box" box(x) = exp(x - stop(x)): equal to 1 in value, with
 * d box(x) = box(x) dx to every order, so a term f * box(sum of log-probabilities of the
 * actions f depends on) has the score-function gradient of E[f].
 */
export function magicBox(x: Tensor): Tensor {
  return tf.exp(tf.sub(x, stopGradient(x)));
}

/** log pi_params(a|s) on the padded rows as [N, Hmax], zero on padding. */
function paddedLogProbs(policy: Policy, params: Tensor1D, data: EpisodeTensors): Tensor2D {
  const lp = policy.logProb(params, data.paddedObservations, data.paddedActions);
  return tf.mul(tf.reshape(lp, [data.nEpisodes, data.maxLength]), data.mask) as Tensor2D;
}

/**
 * The 'full' surrogate of L(theta; phi) on trajectories collected with pi_phi:
 *
 *     S = (1/Z) sum_episodes [ sum_k gamma^k r_k box(C_k) sum_{t<=k} rho_t
 *                              - sum_t gamma^t b(s_t) rho_t box(C_t) ]
 *
 * with l_j = log pi_phi(a_j|s_j), C_k = sum_{j<=k} l_j, rho_t = pi_theta(a_t|s_t)/pi_phi(a_t|s_t)
 * (denominator NOT detached), b the fitted baseline (a constant) and Z = sum over all real steps
 * of gamma^t. In value S is exactly the flat batch's L = sum_i w_i rho_i A_i with w_i = gamma^t/Z
 * and A_t = G_t - b(s_t) (GAE lambda = 1, tail bootstrapped with 0).
 *
 * The baseline term is boxed with C_t, i.e. INCLUDING a_t. The undetached denominator of rho_t
 * already accounts for a_t being drawn from pi_phi, so rho_t box(C_t) behaves as "a_t ~ pi_theta,
 * s_t ~ d_t^phi", whose expectation sum_a pi_theta(a|s_t) b(s_t) = b(s_t) is theta-free: its
 * expected mixed derivative is 0. With box(C_{t-1}) the term's phi-gradient would pick up
 * -b rho_t grad l_t, whose theta-derivative has expectation -b sum_a grad pi_theta grad log pi_phi
 * (the Fisher matrix at theta = phi), not 0: biased. (Equivalently: detach the denominator and
 * use box(C_{t-1}).)
 *
 * With another `ratio` every rho_t above is replaced by f(rho_t) (`@bomrl/adaptation`'s
 * `transformLogRatio`: 'smooth-clip' 2 sigmoid(2 rho - 2), 'log-prob' 1 + log rho), so S equals
 * in value (and in every theta-derivative) the flat batch's L = sum_i w_i f(rho_i) A_i: theta'
 * solved on the flat objective is stationary for this one. ('log-prob': the -log pi_phi part of
 * f is theta-free, so the mixed derivatives are those of the REINFORCE surrogate's expectation.) The baseline term stays exact in expectation as a function of phi
 * (it is E_{s ~ d^phi} E_{a ~ pi_phi}[f(rho) b(s)] with every phi-dependence kept); with f it is
 * no longer theta-free away from theta = phi, which is simply part of the objective
 * E[f(rho) (Q - b)] whose argmax theta' is.
 */
export function diceSurrogate(
  policy: Policy,
  data: EpisodeTensors,
  ratio: RatioTransform = 'plain',
): ThetaPhiObjective {
  return (theta, phi) =>
    tf.tidy(() => {
      const lTheta = paddedLogProbs(policy, theta, data);
      const lPhi = paddedLogProbs(policy, phi, data);
      // f before the mask: padding rows have rho = 1 and f(1) = 1, which the mask must zero
      const rho = tf.mul(transformLogRatio(tf.sub(lTheta, lPhi), ratio), data.mask);
      const C = tf.matMul(lPhi, data.prefix); // C_k = sum_{j<=k} l_j
      const box = magicBox(C);
      const rhoSum = tf.matMul(rho, data.prefix); // sum_{t<=k} rho_t
      const main = tf.sum(tf.mul(data.discountedRewards, tf.mul(box, rhoSum)));
      const base = tf.sum(tf.mul(data.discountedBaseline, tf.mul(rho, box)));
      return tf.div(tf.sub(main, base), data.totalWeight) as Scalar;
    });
}

/**
 * D2 in 'full' mode: the state-wise closed-form KL at step t weighted by gamma^t box(C_{t-1})
 * (the actions that led to s_t), normalized by Z, so that its expectation and its phi-derivatives
 * are those of E_{s ~ nu^phi} KL(s). The l2 distance does not look at the data.
 */
export function fullDistance(
  policy: Policy,
  data: EpisodeTensors,
  distance: DistanceName,
): ThetaPhiObjective {
  if (distance === 'l2')
    return (theta, phi) => l2.value(theta, phi, sampledData(policy, data.batch));
  return (theta, phi) =>
    tf.tidy(() => {
      const obs = data.paddedObservations;
      const rows =
        distance === 'forward-kl' ? policy.kl(phi, theta, obs) : policy.kl(theta, phi, obs);
      const kl = tf.reshape(rows, [data.nEpisodes, data.maxLength]);
      const lPhi = paddedLogProbs(policy, phi, data);
      const before = tf.sub(tf.matMul(lPhi, data.prefix), lPhi); // C_{t-1}
      const weighted = tf.mul(tf.mul(data.discounts, magicBox(before)), kl);
      return tf.div(tf.sum(weighted), data.totalWeight) as Scalar;
    });
}

/** Settings of the penalized lower level. */
export interface PenaltySettings {
  readonly distance: DistanceName;
  readonly lambda: number;
  /** How the importance ratio enters L (default 'plain'); the same in both modes. */
  readonly ratio?: RatioTransform;
}

/** G_full(theta, phi) = S(theta, phi) - lambda D2_full(theta, phi). */
export function fullObjective(
  policy: Policy,
  data: EpisodeTensors,
  penalty: PenaltySettings,
): ThetaPhiObjective {
  const S = diceSurrogate(policy, data, penalty.ratio);
  const D = fullDistance(policy, data, penalty.distance);
  // S and D2 evaluate pi_theta and pi_phi on the same padded rows (pi_phi three times): one
  // network pass per parameter vector
  return (theta, phi) =>
    sharingForwardPasses(() =>
      tf.tidy(() => tf.sub(S(theta, phi), tf.mul(penalty.lambda, D(theta, phi))) as Scalar),
    );
}

/**
 * G_ignore(theta, phi): `@bomrl/adaptation`'s lower-level objective on the flat batch, whose
 * advantages, weights and recorded log pi_phi are constants.
 */
export function ignoreDataObjective(
  policy: Policy,
  data: EpisodeTensors,
  penalty: PenaltySettings,
): ThetaPhiObjective {
  return lowerLevelObjective(penaltySpec(penalty), sampledData(policy, data.batch));
}

/** `@bomrl/adaptation`'s penalty spec of the settings (the ratio transform included). */
export function penaltySpec(penalty: PenaltySettings): PenaltySpec {
  return {
    distance: DISTANCES[penalty.distance],
    lambda: penalty.lambda,
    ...(penalty.ratio === undefined ? {} : { surrogate: { ratio: penalty.ratio } }),
  };
}

/** The lower-level objective of a mode. */
export function lowerObjective(
  mode: HypergradientMode,
  policy: Policy,
  data: EpisodeTensors,
  penalty: PenaltySettings,
): ThetaPhiObjective {
  return mode === 'full'
    ? fullObjective(policy, data, penalty)
    : ignoreDataObjective(policy, data, penalty);
}
