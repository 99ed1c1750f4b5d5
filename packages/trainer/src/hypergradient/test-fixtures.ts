import { FrozenLake } from '@bomrl/envs';
import type { TabularModel } from '@bomrl/envs/tabular';
import type { Episode } from '../sampling/sampler';

/** A Frozen Lake task family, one of its tasks and the task's exact model (test fixture). */
export function frozenLakeTask(
  size: number,
  horizon: number,
  seed: number,
  holeProbability?: number,
) {
  const family = FrozenLake.family({
    variance: 'high',
    size,
    horizon,
    ...(holeProbability === undefined ? {} : { holeProbability }),
  });
  const [task] = family.sampleTasks(1, seed);
  if (!task) throw new Error('no task');
  const env = family.make(task);
  const model = env.model();
  env.close();
  return { family, task, model };
}

/**
 * Every trajectory of a DETERMINISTIC tabular model from its (single) start state, with its
 * action sequence: nActions^H episodes, each with the log-probability-free data a sampler would
 * record (rewards are the model's expected rewards, exact when transitions are deterministic).
 */
export function enumerateEpisodes(model: TabularModel): Episode[] {
  const { nStates: S, nActions: A, horizon: H } = model;
  const start = model.initial.indexOf(1);
  if (start < 0) throw new Error('enumerateEpisodes: needs a single start state');
  const out: Episode[] = [];
  for (let code = 0; code < A ** H; code++) {
    const observations = new Float32Array(H);
    const actions = new Float32Array(H);
    const rewards = new Float32Array(H);
    let s = start;
    let c = code;
    for (let t = 0; t < H; t++) {
      const a = c % A;
      c = Math.floor(c / A);
      observations[t] = s;
      actions[t] = a;
      rewards[t] = model.R[s * A + a]!;
      let next = -1;
      for (let s2 = 0; s2 < S; s2++) if (model.P[(s * A + a) * S + s2] === 1) next = s2;
      if (next < 0) throw new Error('enumerateEpisodes: the model is not deterministic');
      s = next;
    }
    out.push({ observations, actions, rewards, obsDim: 1, actionSize: 1, terminated: false });
  }
  return out;
}

/** Cosine similarity of two vectors. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! ** 2;
    bb += b[i]! ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** ||a - b|| / ||b||. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
}
