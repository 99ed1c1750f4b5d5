/**
 * One round of BO-MRL adaptation on HalfCheetahVel from rollouts, in plain functions that run the
 * same in the page's web worker and in Node (the browser test and `scripts/cheetah-margin.ts`):
 * collect one batch with the prior, adapt with `@bomrl/meta-gradient`'s `prepareTask` and
 * `solveLowerLevel` (the functions the trainer's meta-test adaptation calls), and evaluate both
 * policies on the same seeded episodes.
 */
import { Rng, scoped } from '@bomrl/core';
import { VectorEnv } from '@bomrl/envs';
import type { HalfCheetahVel, LocomotionFamily, VelocityTask } from '@bomrl/envs/mujoco';
import {
  type Episode,
  type LowerLevelReport,
  prepareTask,
  type SampledBomrlSettings,
  solveLowerLevel,
} from '@bomrl/meta-gradient';
import type { GaussianMLPPolicy } from '@bomrl/policies';
import type * as tf from '@tensorflow/tfjs-core';
import type { CheetahAdaptation } from './prior';

/** The HalfCheetahVel family of the page (the prior's horizon). */
export type CheetahFamily = LocomotionFamily<VelocityTask, HalfCheetahVel>;

/** Reports how far a long step has got (`done` of `total`). */
export type OnProgress = (label: string, done: number, total: number) => void;

/** One drawn frame: per capsule [x1, z1, x2, z2, radius] (the side view drops y). */
export type Frame = number[][];

/** A policy's performance on the task over a few evaluation episodes. */
export interface Evaluation {
  /** Mean undiscounted return over the evaluation episodes. */
  readonly meanReturn: number;
  /** Mean forward velocity (m/s) over all steps of the evaluation episodes. */
  readonly meanVelocity: number;
  /** The return of each evaluation episode, in seed order. */
  readonly returns: readonly number[];
  /** The first evaluation episode, frame by frame (the reset state first). */
  readonly frames: readonly Frame[];
}

/**
 * N episodes of the Gaussian policy with `params` on `task`, stepped together (one policy call
 * per time step): env copy i is reset with seed `seed + i`, actions drawn from `Rng(seed)`.
 */
export function collectEpisodes(
  family: CheetahFamily,
  policy: GaussianMLPPolicy,
  params: tf.Tensor1D,
  task: VelocityTask,
  episodes: number,
  seed: number,
  onProgress?: OnProgress,
): Episode[] {
  const envs = Array.from({ length: episodes }, () => family.make(task));
  const vec = new VectorEnv(envs);
  try {
    const { obsSize, actionSize } = vec;
    const T = family.horizon;
    const obsLog = Array.from({ length: episodes }, () => new Float32Array(T * obsSize));
    const actLog = Array.from({ length: episodes }, () => new Float32Array(T * actionSize));
    const rewLog = Array.from({ length: episodes }, () => new Float32Array(T));
    const rng = new Rng(seed);
    let obs = Float32Array.from(vec.reset({ seed }));
    for (let t = 0; t < T; t++) {
      const actions = scoped(() => policy.sample(params, policy.obsTensor(obs), rng));
      const step = vec.step(actions);
      for (let i = 0; i < episodes; i++) {
        obsLog[i]!.set(obs.subarray(i * obsSize, (i + 1) * obsSize), t * obsSize);
        actLog[i]!.set(actions.subarray(i * actionSize, (i + 1) * actionSize), t * actionSize);
        rewLog[i]![t] = step.rewards[i]!;
      }
      obs = Float32Array.from(step.obs);
      if (onProgress && (t + 1) % 10 === 0) onProgress('collecting the batch', t + 1, T);
    }
    // HalfCheetah never terminates: every episode runs the full horizon (truncated, not terminal)
    return Array.from({ length: episodes }, (_, i) => ({
      observations: obsLog[i]!,
      actions: actLog[i]!,
      rewards: rewLog[i]!,
      obsDim: obsSize,
      actionSize,
      terminated: false,
    }));
  } finally {
    vec.close();
  }
}

/** The sampled lower-level settings of the page's one round. */
export function roundSettings(adaptation: CheetahAdaptation, gamma: number): SampledBomrlSettings {
  return {
    distance: 'forward-kl',
    lambda: adaptation.lambda,
    gamma,
    solver: { kind: 'adam', lr: adaptation.lr, maxSteps: adaptation.maxSteps, tol: 1e-6 },
    gaeLambda: 1,
  };
}

/**
 * theta' = argmax_theta L(theta; phi) - lambda E KL(pi_phi || pi_theta) on the batch: a fresh
 * linear feature baseline and advantages (`prepareTask`), then the lower-level solve.
 */
export function adaptOnBatch(
  policy: GaussianMLPPolicy,
  phi: tf.Tensor1D,
  episodes: readonly Episode[],
  settings: SampledBomrlSettings,
): { theta: tf.Tensor1D; report: LowerLevelReport } {
  const prepared = prepareTask(policy, phi, episodes, settings, ['ignore-data']);
  try {
    return solveLowerLevel(policy, phi, prepared, settings);
  } finally {
    prepared.data.dispose();
  }
}

/** The side view of the cheetah now: [x1, z1, x2, z2, radius] per capsule. */
function frameOf(env: HalfCheetahVel): Frame {
  return env.geomSegments().map((s) => [s.from[0], s.from[2], s.to[0], s.to[2], s.radius]);
}

/** How {@link evaluatePolicy} acts and on which episodes. */
export interface EvaluationOptions {
  /** Episodes, stepped together; copy i is reset with seed `seed + i`. */
  readonly episodes: number;
  readonly seed: number;
  /** 'sampled': the stochastic policy, actions from `Rng(seed)`; 'mean': its mean action. */
  readonly actions: 'sampled' | 'mean';
}

/**
 * The policy's episodes on `task`, with their returns, mean velocity and the first episode's
 * frames. With the same options two policies meet the same reset states and, when sampled, the
 * same normal draws (common random numbers), so their difference is not drowned in noise.
 */
export function evaluatePolicy(
  family: CheetahFamily,
  policy: GaussianMLPPolicy,
  params: tf.Tensor1D,
  task: VelocityTask,
  options: EvaluationOptions,
  onProgress?: OnProgress,
): Evaluation {
  const { episodes, seed } = options;
  const envs = Array.from({ length: episodes }, () => family.make(task));
  try {
    const obsSize = envs[0]!.flatObsSize;
    const actSize = envs[0]!.flatActionSize;
    const obs = new Float32Array(episodes * obsSize);
    envs.forEach((env, i) => {
      obs.set(env.reset({ seed: seed + i }).obs, i * obsSize);
    });
    const rng = new Rng(seed);
    const returns = new Array<number>(episodes).fill(0);
    const frames: Frame[] = [frameOf(envs[0]!)];
    let velocitySum = 0;
    const T = family.horizon;
    for (let t = 0; t < T; t++) {
      const actions = scoped(() =>
        options.actions === 'sampled'
          ? policy.sample(params, policy.obsTensor(obs), rng)
          : policy.mode(params, policy.obsTensor(obs)),
      );
      envs.forEach((env, i) => {
        const r = env.step(actions.subarray(i * actSize, (i + 1) * actSize));
        returns[i]! += r.reward;
        velocitySum += r.info.xVelocity;
        obs.set(r.obs, i * obsSize);
      });
      frames.push(frameOf(envs[0]!));
      if (onProgress && (t + 1) % 10 === 0) onProgress('evaluating', t + 1, T);
    }
    return {
      meanReturn: returns.reduce((a, b) => a + b, 0) / episodes,
      meanVelocity: velocitySum / (episodes * T),
      returns,
      frames,
    };
  } finally {
    for (const env of envs) env.close();
  }
}

/** Mean undiscounted return of a batch of episodes. */
export function batchReturn(episodes: readonly Episode[]): number {
  let total = 0;
  for (const e of episodes) for (const r of e.rewards) total += r;
  return total / episodes.length;
}
