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
 * Turns episodes into a policy-gradient batch: {@link flattenEpisodes} (baseline + GAE), optional
 * normalization, uniform sample weights (the surrogate is a mean over steps).
 */
export function buildBatch(
  policy: Policy,
  episodes: readonly Episode[],
  settings: AdvantageSettings,
): TensorBatch {
  const flat = flattenEpisodes(episodes, settings.gamma, settings.gaeLambda);
  const obs = flat.observations;
  const actions = flat.actions;
  let advantages: Float64Array = flat.advantages;
  if (settings.normalize) advantages = normalizeAdvantages(advantages);
  const observations: Tensor = policy.obsTensor(obs);
  const actionTensor: Tensor = policy.actionTensor(actions);
  const batch: Batch = {
    observations,
    actions: actionTensor,
    advantages: Float32Array.from(advantages),
  };
  return {
    data: sampledData(policy, batch),
    batch,
    returns: episodeReturns(episodes, settings.gamma),
    dispose: () => tf.dispose([observations, actionTensor]),
  };
}
