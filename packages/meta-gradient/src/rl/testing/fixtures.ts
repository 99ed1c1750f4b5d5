import { Random } from '@bomrl/core';
import { FrozenLake, type FrozenLakeEnv } from '@bomrl/envs';
import type { TabularModel } from '@bomrl/envs/tabular';
import type { Policy } from '@bomrl/policies';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { Episode } from '../advantages/episode';

/**
 * Test fixtures of the RL meta-gradients (exported only from the `testing` subpath).
 */

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

/**
 * `n` episodes of `task` with pi_params: n envs stepped together, one batched `policy.sample`
 * per step drawing from a `Random(seed)` stream (the trainer's samplers live above this
 * package; tests need only this much). Frozen Lake episodes all last the horizon.
 */
export function rolloutEpisodes<Task>(
  family: { readonly horizon: number; make(task: Task): FrozenLakeEnv },
  task: Task,
  policy: Policy,
  params: Tensor1D,
  n: number,
  seed: number,
): Episode[] {
  const rng = new Random(seed);
  const H = family.horizon;
  const envs = Array.from({ length: n }, () => family.make(task));
  const obs = Float32Array.from(envs, (env, i) => env.reset({ seed: seed + i }).obs);
  const observations = Array.from({ length: n }, () => new Float32Array(H));
  const actions = Array.from({ length: n }, () => new Float32Array(H));
  const rewards = Array.from({ length: n }, () => new Float32Array(H));
  for (let t = 0; t < H; t++) {
    const drawn = tf.tidy(() => policy.sample(params, policy.obsTensor(obs), rng));
    envs.forEach((env, i) => {
      observations[i]![t] = obs[i]!;
      actions[i]![t] = drawn[i]!;
      const step = env.step(drawn[i]!);
      rewards[i]![t] = step.reward;
      obs[i] = step.obs;
    });
  }
  for (const env of envs) env.close();
  return envs.map((_, i) => ({
    observations: observations[i]!,
    actions: actions[i]!,
    rewards: rewards[i]!,
    obsDim: 1,
    actionSize: 1,
    terminated: false,
  }));
}
