import { type Batch, type SampledData, sampledData } from '@bomrl/adaptation';
import {
  type Episode,
  generalizedAdvantages,
  LinearFeatureBaseline,
  normalizeAdvantages,
} from '@bomrl/meta-gradient';
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
 * Turns episodes into a policy-gradient batch: a linear feature baseline fitted to these
 * episodes (fresh per batch, as in pytorch-maml-rl, so nothing carries across iterations), GAE
 * advantages (the tail after a time-limit cut is bootstrapped with 0, as the standard MAML code
 * does), optional normalization, uniform sample weights (the surrogate is a mean over steps).
 */
export function buildBatch(
  policy: Policy,
  episodes: readonly Episode[],
  settings: AdvantageSettings,
): TensorBatch {
  const baseline = new LinearFeatureBaseline();
  baseline.fit(episodes, settings.gamma);
  let steps = 0;
  for (const e of episodes) steps += e.rewards.length;
  const first = episodes[0];
  if (!first || steps === 0) throw new RangeError('buildBatch: no steps in the episodes');
  const obs = new Float32Array(steps * first.obsDim);
  const actions = new Float32Array(steps * first.actionSize);
  let advantages: Float64Array = new Float64Array(steps);
  let offset = 0;
  for (const e of episodes) {
    const n = e.rewards.length;
    obs.set(e.observations, offset * first.obsDim);
    actions.set(e.actions, offset * first.actionSize);
    advantages.set(
      generalizedAdvantages(e.rewards, baseline.predict(e), settings.gamma, settings.gaeLambda),
      offset,
    );
    offset += n;
  }
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
