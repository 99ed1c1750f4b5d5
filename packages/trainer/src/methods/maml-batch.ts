import { type Batch, type SampledData, sampledData } from '@bomrl/adaptation';
import { type Episode, flattenEpisodes, normalizeAdvantages } from '@bomrl/meta-gradient';
import type { Policy } from '@bomrl/policies';
import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/** How episodes become advantage-weighted batches. */
export interface AdvantageSettings {
  readonly gamma: number;
  readonly gaeLambda: number;
  readonly normalize: boolean;
}

/** Mean undiscounted and discounted episode return. */
export interface ReturnStats {
  readonly undiscounted: number;
  readonly discounted: number;
}

/** Mean returns of a set of episodes. */
export function episodeReturns(episodes: readonly Episode[], gamma: number): ReturnStats {
  let undiscounted = 0;
  let discounted = 0;
  for (const e of episodes) {
    let g = 1;
    for (const r of e.rewards) {
      undiscounted += r;
      discounted += g * r;
      g *= gamma;
    }
  }
  const n = Math.max(1, episodes.length);
  return { undiscounted: undiscounted / n, discounted: discounted / n };
}

/** A batch of one task's episodes with tensors the holder must free. */
export interface TensorBatch {
  readonly data: SampledData;
  readonly batch: Batch;
  readonly returns: ReturnStats;
  dispose(): void;
}

/**
 * The advantage of every step of `episodes`, as a batch stores them: {@link flattenEpisodes}
 * (a linear feature baseline fitted to these episodes + GAE), optionally normalized.
 */
export function batchAdvantages(
  episodes: readonly Episode[],
  settings: AdvantageSettings,
): Float32Array {
  const flat = flattenEpisodes(episodes, settings.gamma, settings.gaeLambda);
  return Float32Array.from(
    settings.normalize ? normalizeAdvantages(flat.advantages) : flat.advantages,
  );
}

/** Every step's observations and actions, episode after episode. */
export function concatSteps(episodes: readonly Episode[]): {
  obs: Float32Array;
  actions: Float32Array;
} {
  let obsSize = 0;
  let actSize = 0;
  for (const e of episodes) {
    obsSize += e.observations.length;
    actSize += e.actions.length;
  }
  const obs = new Float32Array(obsSize);
  const actions = new Float32Array(actSize);
  let o = 0;
  let a = 0;
  for (const e of episodes) {
    obs.set(e.observations, o);
    actions.set(e.actions, a);
    o += e.observations.length;
    a += e.actions.length;
  }
  return { obs, actions };
}

/**
 * A policy-gradient batch of episodes whose advantages are known (computed once by
 * {@link batchAdvantages}, e.g. in the worker that sampled them): uniform sample weights (the
 * surrogate is a mean over steps).
 */
export function batchFrom(
  policy: Policy,
  episodes: readonly Episode[],
  advantages: Float32Array,
  gamma: number,
): TensorBatch {
  const { obs, actions } = concatSteps(episodes);
  const observations: Tensor = policy.obsTensor(obs);
  const actionTensor: Tensor = policy.actionTensor(actions);
  const batch: Batch = { observations, actions: actionTensor, advantages };
  return {
    data: sampledData(policy, batch),
    batch,
    returns: episodeReturns(episodes, gamma),
    dispose: () => tf.dispose([observations, actionTensor]),
  };
}

/** Turns episodes into a policy-gradient batch ({@link batchAdvantages}, {@link batchFrom}). */
export function buildBatch(
  policy: Policy,
  episodes: readonly Episode[],
  settings: AdvantageSettings,
): TensorBatch {
  return batchFrom(policy, episodes, batchAdvantages(episodes, settings), settings.gamma);
}
