import { normalizeAdvantages } from '@bomrl/meta-gradient';
import type { Policy } from '@bomrl/policies';
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { Episode } from '../sampling/sampler';

/**
 * E-MAML's exploration term (Stadie et al. 2018, in the E-MAML-TRPO form of Rothfuss et al.'s
 * code). phi shapes the pre-update data, and through it the adapted policy; E-MAML credits the
 * pre-update actions with the post-update reward by a score-function term added to MAML's
 * per-task objective (maximized):
 *     c_tau * mean_{pre-update steps} log pi_phi(a|s),
 * c_tau = mean over the task's post-update steps of R~, the per-step post-update reward
 * standardized over the whole meta-batch. In value it is c times a log-probability; only its
 * gradient c * mean grad log pi_phi matters (see `bomrl verify` for what it estimates).
 */

/**
 * c_tau per task: every post-update step reward of the meta-batch standardized together
 * ((r - mean) / (std + 1e-8), population std, as the authors' sample processor), then averaged
 * over each task's steps.
 */
export function explorationCoefficients(postEpisodes: readonly (readonly Episode[])[]): number[] {
  const counts = postEpisodes.map((episodes) => episodes.reduce((n, e) => n + e.rewards.length, 0));
  const all = new Float64Array(counts.reduce((a, b) => a + b, 0));
  let offset = 0;
  for (const episodes of postEpisodes) {
    for (const e of episodes) {
      all.set(e.rewards, offset);
      offset += e.rewards.length;
    }
  }
  const standardized = normalizeAdvantages(all);
  offset = 0;
  return counts.map((n) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += standardized[offset + i]!;
    offset += n;
    return n > 0 ? sum / n : 0;
  });
}

/** c * mean_i log pi_p(a_i|s_i) over the pre-update steps: E-MAML's exploration term. */
export function explorationTerm(
  policy: Policy,
  p: Tensor1D,
  observations: Tensor,
  actions: Tensor,
  coefficient: number,
): Scalar {
  return tf.tidy(
    () => tf.mul(coefficient, tf.mean(policy.logProb(p, observations, actions))) as Scalar,
  );
}
