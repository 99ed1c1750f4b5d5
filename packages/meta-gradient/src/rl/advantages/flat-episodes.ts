import type { Episode } from './episode';
import { generalizedAdvantages } from './gae';
import { LinearFeatureBaseline } from './linear-feature-baseline';

/** A set of episodes as one flat batch of steps, with their advantages. */
export interface FlatEpisodes {
  /** Total steps over all episodes. */
  readonly steps: number;
  /** Observations, `steps * obsDim`, episode after episode. */
  readonly observations: Float32Array;
  /** Actions, `steps * actionSize`. */
  readonly actions: Float32Array;
  /** GAE advantages A_t of every step (float64). */
  readonly advantages: Float64Array;
  /** The time index t of every step within its episode. */
  readonly timeSteps: Int32Array;
  readonly obsDim: number;
  readonly actionSize: number;
}

/**
 * Flattens episodes into one batch of steps with advantages from a linear feature baseline
 * fitted to these same episodes (fresh per batch, as in pytorch-maml-rl, so nothing carries
 * across iterations) and GAE(gamma, gaeLambda); the tail after a time-limit cut is bootstrapped
 * with 0, as the standard MAML code does. The one place episodes become a policy-gradient batch.
 */
export function flattenEpisodes(
  episodes: readonly Episode[],
  gamma: number,
  gaeLambda: number,
): FlatEpisodes {
  const first = episodes[0];
  let steps = 0;
  for (const e of episodes) steps += e.rewards.length;
  if (!first || steps === 0) throw new RangeError('flattenEpisodes: no steps in the episodes');
  const baseline = new LinearFeatureBaseline();
  baseline.fit(episodes, gamma);
  const observations = new Float32Array(steps * first.obsDim);
  const actions = new Float32Array(steps * first.actionSize);
  const advantages = new Float64Array(steps);
  const timeSteps = new Int32Array(steps);
  let offset = 0;
  for (const e of episodes) {
    const n = e.rewards.length;
    observations.set(e.observations, offset * first.obsDim);
    actions.set(e.actions, offset * first.actionSize);
    advantages.set(generalizedAdvantages(e.rewards, baseline.predict(e), gamma, gaeLambda), offset);
    for (let t = 0; t < n; t++) timeSteps[offset + t] = t;
    offset += n;
  }
  return {
    steps,
    observations,
    actions,
    advantages,
    timeSteps,
    obsDim: first.obsDim,
    actionSize: first.actionSize,
  };
}
