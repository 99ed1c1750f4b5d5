import { gradient } from '@bomrl/core';
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { type AdaptationData, type SampledData, type Weighting, weightValues } from './data';
import { logPolicyTable, tableConstant, visitationColumn } from './exact';

/**
 * How the importance ratio r = pi_theta / pi_phi enters L:
 * - `'plain'`: r itself, so L is the usual importance-sampled estimate of the advantage gain.
 * - `'smooth-clip'`: f(r) = 2 sigmoid(2r - 2): f(1) = 1 and f'(1) = 1, so L and its gradient
 *   at theta = phi are unchanged, but f is bounded in (0, 2), which keeps many steps on the same
 *   data from exploiting huge ratios.
 * - `'log-prob'`: f(r) = 1 + log r = 1 + log pi_theta - log pi_phi, i.e. the REINFORCE surrogate
 *   sum_i w_i log pi_theta(a_i|s_i) A_i plus a theta-free term (the authors' MuJoCo code
 *   maximizes this one). f(1) = 1, f'(1) = 1 as well; it grows only logarithmically in r, so a
 *   KL penalty (which grows like log-std^2) bounds G on Gaussian policies.
 */
export type RatioTransform = 'plain' | 'smooth-clip' | 'log-prob';

/** Options of the surrogate L(theta; phi). */
export interface SurrogateOptions {
  /** Default `'plain'`. */
  readonly ratio?: RatioTransform;
  /**
   * `'advantage'` (default) weights ratios by A, `'q'` by Q. Both give the same argmax and
   * hypergradient in expectation (sum_a pi_theta(a|s) V(s) does not depend on theta); A has
   * lower variance. Exact mode: L differs by the constant sum_s nu(s) V(s).
   */
  readonly weighting?: Weighting;
  /**
   * Replace L by its first-order expansion at phi, L(phi) + <grad_theta L(phi), theta - phi>.
   * With the l2 distance this turns the operator into one policy-gradient step with
   * alpha = 1 / (2 lambda) (MAML's inner step); with the reverse KL's quadratic model, NPG.
   */
  readonly linearize?: boolean;
}

/** The objective shape every piece of G has: a tfjs scalar of (theta, phi). */
export type ThetaPhiFn = (theta: Tensor1D, phi: Tensor1D) => Scalar;

/** f(r) = 2 sigmoid(2r - 2), written with exp and div whose second derivatives are correct. */
export function smoothClip(r: Tensor): Tensor {
  return tf.div(2, tf.add(1, tf.exp(tf.sub(2, tf.mul(2, r)))));
}

/**
 * f(r) of the transform from log r (`'log-prob'` never forms r, whose exp would overflow where
 * 1 + log r is still moderate).
 */
export function transformLogRatio(logRatio: Tensor, ratio: RatioTransform): Tensor {
  if (ratio === 'log-prob') return tf.add(1, logRatio);
  const r = tf.exp(logRatio);
  return ratio === 'smooth-clip' ? smoothClip(r) : r;
}

/** Batch weights normalized to sum to 1 (uniform 1/B when none were given). */
export function normalizedBatchWeights(data: SampledData): Tensor1D {
  const B = data.batch.observations.shape[0] ?? 0;
  const raw = data.batch.weights ?? new Float32Array(B).fill(1);
  let sum = 0;
  for (const w of raw) sum += w;
  return tf.tensor1d(Float32Array.from(raw, (w) => w / sum));
}

/**
 * log pi_phi(a_i | s_i) for the ratio's denominator: the recorded constants when the batch has
 * them, otherwise recomputed from phi (so phi enters L through the denominator).
 */
export function behaviourLogProbs(data: SampledData, phi: Tensor1D): Tensor1D {
  const { batch, policy } = data;
  return batch.oldLogProbs !== undefined
    ? tf.tensor1d(batch.oldLogProbs)
    : policy.logProb(phi, batch.observations, batch.actions);
}

/**
 * The surrogate L(theta; phi) = E_{s ~ nu^phi, a ~ pi_phi}[ f(pi_theta / pi_phi) * A ].
 *
 * Exact mode: sum_s nu(s) sum_a pi_phi(a|s) f(pi_theta(a|s) / pi_phi(a|s)) A(s, a), which for the
 * plain ratio is sum_s nu(s) sum_a pi_theta(a|s) A(s, a). Sampled mode:
 * sum_i w_i f(rho_i) A_i with normalized state weights w. nu, A, w are constants: whatever
 * dependence on phi they carry is the meta-gradient's business ('full' vs 'ignore-data').
 */
export function surrogate(data: AdaptationData, options: SurrogateOptions = {}): ThetaPhiFn {
  const ratio = options.ratio ?? 'plain';
  const values = weightValues(data, options.weighting ?? 'advantage', 'surrogate');
  const base: ThetaPhiFn =
    data.kind === 'exact'
      ? (theta, phi) =>
          tf.tidy(() => {
            const { nStates: S, nActions: A } = data;
            const logPiTheta = logPolicyTable(theta, S, A);
            // pi_phi * r = pi_theta exactly for the plain ratio: skip the division (and its rounding).
            const weighted =
              ratio === 'plain'
                ? tf.exp(logPiTheta)
                : tf.tidy(() => {
                    const logPiPhi = logPolicyTable(phi, S, A);
                    return tf.mul(
                      tf.exp(logPiPhi),
                      transformLogRatio(tf.sub(logPiTheta, logPiPhi), ratio),
                    );
                  });
            return tf.sum(
              tf.mul(visitationColumn(data), tf.mul(weighted, tableConstant(values, data))),
            ) as Scalar;
          })
      : (theta, phi) =>
          tf.tidy(() => {
            const { batch, policy } = data;
            const logPiTheta = policy.logProb(theta, batch.observations, batch.actions);
            const logRho = tf.sub(logPiTheta, behaviourLogProbs(data, phi));
            const w = tf.mul(normalizedBatchWeights(data), tf.tensor1d(Float32Array.from(values)));
            return tf.sum(tf.mul(w, transformLogRatio(logRho, ratio))) as Scalar;
          });
  if (options.linearize !== true) return base;
  // L(phi) + <grad_theta L(theta; phi)|_{theta = phi}, theta - phi>: the gradient is taken at the
  // phi argument itself (not detached), so mixed derivatives in phi stay available.
  return (theta, phi) =>
    tf.tidy(() => {
      // Differentiate at a clone: with phi itself as the point, tfjs would also follow phi's
      // second role (the ratio's denominator) and the ratio's gradient would vanish.
      const g = gradient((t) => base(t, phi), tf.clone(phi) as Tensor1D);
      return tf.add(base(phi, phi), tf.sum(tf.mul(g, tf.sub(theta, phi)))) as Scalar;
    });
}

/**
 * The REINFORCE-with-baseline surrogate whose gradient at theta is the policy gradient on the
 * data: sampled, L_PG(theta) = sum_i w_i log pi_theta(a_i|s_i) A_i; exact,
 * L_PG(theta) = sum_s nu(s) sum_a pi_theta(a|s) A(s, a) (gradient: sum nu pi grad log pi A).
 * At theta = phi both have the same gradient as {@link surrogate}.
 */
export function policyGradientSurrogate(
  data: AdaptationData,
  weighting: Weighting = 'advantage',
): (theta: Tensor1D) => Scalar {
  const values = weightValues(data, weighting, 'policyGradientSurrogate');
  if (data.kind === 'exact') {
    return (theta) =>
      tf.tidy(() => {
        const piTheta = tf.exp(logPolicyTable(theta, data.nStates, data.nActions));
        return tf.sum(
          tf.mul(visitationColumn(data), tf.mul(piTheta, tableConstant(values, data))),
        ) as Scalar;
      });
  }
  return (theta) =>
    tf.tidy(() => {
      const { batch, policy } = data;
      const logp = policy.logProb(theta, batch.observations, batch.actions);
      const w = tf.mul(normalizedBatchWeights(data), tf.tensor1d(Float32Array.from(values)));
      return tf.sum(tf.mul(w, logp)) as Scalar;
    });
}
