import type { Batch } from '@bomrl/adaptation';
import type { Policy } from '@bomrl/policies';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { Episode } from '../advantages/episode';
import { advantageNormalization, generalizedAdvantages } from '../advantages/gae';
import type { LinearFeatureBaseline } from '../advantages/linear-feature-baseline';

/**
 * One task's pre-update episodes (collected ONCE with pi_phi) in the two layouts the sampled
 * BO-MRL lower level needs:
 *
 * - `padded`: every episode padded to the longest one, `[N * Hmax]` rows in episode-major order,
 *   for the trajectory-structured 'full' (DiCE) surrogate, which needs per-episode cumulative
 *   sums of log-probabilities. Padding rows repeat the episode's last observation and action (so
 *   every log-probability is finite) and are masked out.
 * - `batch`: only the real steps, as `@bomrl/adaptation`'s sampled {@link Batch} with weights
 *   gamma^t (normalized inside the package), advantages A_t and the recorded log pi_phi(a_t|s_t).
 *
 * All tensors are owned by this object: call {@link EpisodeTensors.dispose}.
 */
export interface EpisodeTensors {
  readonly nEpisodes: number;
  /** Hmax, the longest episode. */
  readonly maxLength: number;
  /** Padded observations, [N * Hmax, ...obsShape]. */
  readonly paddedObservations: Tensor;
  /** Padded actions, [N * Hmax, ...actionShape]. */
  readonly paddedActions: Tensor;
  /** 1 on real steps, 0 on padding, [N, Hmax]. */
  readonly mask: Tensor2D;
  /** gamma^t on real steps, 0 on padding, [N, Hmax]. */
  readonly discounts: Tensor2D;
  /** gamma^k r_k on real steps, 0 on padding, [N, Hmax]. */
  readonly discountedRewards: Tensor2D;
  /** gamma^t b(s_t) (the fitted baseline, a constant), 0 on padding, [N, Hmax]. */
  readonly discountedBaseline: Tensor2D;
  /** U[j, k] = 1 for j <= k, [Hmax, Hmax]: x U is the running sum over steps. */
  readonly prefix: Tensor2D;
  /** Z = sum over real steps of gamma^t: the normalizer of the batch weights. */
  readonly totalWeight: number;
  /** The flat batch (real steps only) for `@bomrl/adaptation`. */
  readonly batch: Batch;
  /** State indices present in the data (tabular observations only; otherwise undefined). */
  readonly visitedStates?: ReadonlySet<number>;
  dispose(): void;
}

/** How the flat batch's advantages are formed. */
export interface EpisodeTensorOptions {
  readonly gamma: number;
  /**
   * GAE lambda of the flat batch's advantages (default 1). The 'full' surrogate is built from
   * returns and therefore always corresponds to lambda = 1; with lambda = 1 (and the tail after a
   * time-limit cut bootstrapped with 0) the flat batch's L and the surrogate S agree in value.
   */
  readonly gaeLambda?: number;
  /** A baseline already fitted to these episodes (its values enter as constants). */
  readonly baseline: LinearFeatureBaseline;
  /** Record the states present (tabular policies: the observation is the state index). */
  readonly tabular?: boolean;
  /**
   * Normalize the flat batch's advantages to mean 0, standard deviation 1 (shift m and scale s
   * of the whole batch, constants), and the 'full' surrogate's pieces with them: rewards / s and
   * baseline (b + m) / s, so that S still equals the flat L in value. Default false.
   */
  readonly normalizeAdvantages?: boolean;
}

/**
 * Builds {@link EpisodeTensors} from episodes of one task collected with pi_phi (`phi`). The
 * flat batch records log pi_phi(a_t|s_t) as constants (`oldLogProbs`, what the 'ignore-data'
 * objective uses).
 */
export function episodeTensors(
  policy: Policy,
  phi: Tensor1D,
  episodes: readonly Episode[],
  options: EpisodeTensorOptions,
): EpisodeTensors {
  const n = episodes.length;
  const first = episodes[0];
  if (!first) throw new RangeError('episodeTensors: no episodes');
  const { obsDim, actionSize } = first;
  const { gamma, baseline } = options;
  let hMax = 0;
  let steps = 0;
  for (const e of episodes) {
    const len = e.rewards.length;
    if (len === 0) throw new RangeError('episodeTensors: an episode has no steps');
    hMax = Math.max(hMax, len);
    steps += len;
  }
  const pObs = new Float32Array(n * hMax * obsDim);
  const pAct = new Float32Array(n * hMax * actionSize);
  const mask = new Float32Array(n * hMax);
  const disc = new Float32Array(n * hMax);
  const dRew = new Float32Array(n * hMax);
  const dBase = new Float32Array(n * hMax);
  const obs = new Float32Array(steps * obsDim);
  const act = new Float32Array(steps * actionSize);
  const adv = new Float32Array(steps);
  const weights = new Float32Array(steps);
  const visited = options.tabular ? new Set<number>() : undefined;
  let totalWeight = 0;
  let offset = 0;
  const values = episodes.map((e) => baseline.predict(e));
  episodes.forEach((e, i) => {
    adv.set(generalizedAdvantages(e.rewards, values[i]!, gamma, options.gaeLambda ?? 1), offset);
    offset += e.rewards.length;
  });
  // A -> (A - m) / s on the flat batch is, for S = sum gamma^t (G_t - b_t) rho_t, rewards / s and
  // the baseline b + m, then / s: both layouts keep the same (normalized) objective
  const { shift, scale } = options.normalizeAdvantages
    ? advantageNormalization(adv)
    : { shift: 0, scale: 1 };
  if (options.normalizeAdvantages)
    for (let i = 0; i < steps; i++) adv[i] = (adv[i]! - shift) / scale;
  offset = 0;
  episodes.forEach((e, i) => {
    const len = e.rewards.length;
    const b = values[i]!;
    obs.set(e.observations, offset * obsDim);
    act.set(e.actions, offset * actionSize);
    let g = 1;
    for (let t = 0; t < hMax; t++) {
      const row = i * hMax + t;
      const src = Math.min(t, len - 1);
      pObs.set(e.observations.subarray(src * obsDim, (src + 1) * obsDim), row * obsDim);
      pAct.set(e.actions.subarray(src * actionSize, (src + 1) * actionSize), row * actionSize);
      if (t < len) {
        mask[row] = 1;
        disc[row] = g;
        dRew[row] = (g * e.rewards[t]!) / scale;
        dBase[row] = (g * (b[t]! + shift)) / scale;
        weights[offset + t] = g;
        totalWeight += g;
        visited?.add(e.observations[t * obsDim]!);
      }
      g *= gamma;
    }
    offset += len;
  });
  const prefix = new Float32Array(hMax * hMax);
  for (let j = 0; j < hMax; j++) for (let k = j; k < hMax; k++) prefix[j * hMax + k] = 1;
  const shape: [number, number] = [n, hMax];
  const observations = policy.obsTensor(obs);
  const actions = policy.actionTensor(act);
  const tensors = {
    paddedObservations: policy.obsTensor(pObs),
    paddedActions: policy.actionTensor(pAct),
    mask: tf.tensor2d(mask, shape),
    discounts: tf.tensor2d(disc, shape),
    discountedRewards: tf.tensor2d(dRew, shape),
    discountedBaseline: tf.tensor2d(dBase, shape),
    prefix: tf.tensor2d(prefix, [hMax, hMax]),
  };
  const oldLogProbs = tf.tidy(() =>
    Float32Array.from(policy.logProb(phi, observations, actions).dataSync()),
  );
  const batch: Batch = { observations, actions, advantages: adv, weights, oldLogProbs };
  return {
    nEpisodes: n,
    maxLength: hMax,
    ...tensors,
    totalWeight,
    batch,
    ...(visited ? { visitedStates: visited } : {}),
    dispose: () => tf.dispose([observations, actions, ...Object.values(tensors)]),
  };
}
