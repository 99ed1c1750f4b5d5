import { policyGradientStep } from '@bomrl/adaptation';
import type { Episode } from '@bomrl/meta-gradient';
import type { Policy } from '@bomrl/policies';
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { JobContext } from '../executor/executor';
import { type AdvantageSettings, batchFrom, buildBatch, type TensorBatch } from './maml-batch';
import { subSeed } from './sub-seed';

/** The inner loop of sampled MAML (plain data, so it travels with the jobs). */
export interface MamlInnerSettings {
  readonly alpha: number;
  readonly innerSteps: number;
  readonly order: 'first' | 'second';
  readonly episodesPerTask: number;
  readonly advantages: AdvantageSettings;
}

/** One task's data of one meta-step: the inner batches (one per inner step) and the post batch. */
export interface TaskData {
  readonly inner: readonly TensorBatch[];
  readonly post: TensorBatch;
  /** log pi_theta(a|s) of the post-update data at collection time (ratio denominators). */
  readonly postLogProbs: Tensor1D;
}

/** What every task of one MAML meta-iteration shares. */
export interface MamlTaskShared {
  readonly phi: Float64Array;
  readonly seed: number;
  readonly settings: MamlInnerSettings;
}

/** One task of the meta-batch. */
export interface MamlTaskInput {
  readonly task: unknown;
  /** Position in the meta-batch (selects the sampling seeds). */
  readonly index: number;
}

/** One task's contribution to a sampled MAML meta-iteration. */
export interface MamlTaskOutput {
  /** The episodes of each inner step, then the post-update episodes. */
  readonly episodes: Episode[][];
  /** Their advantages as the batches hold them (so the coordinator fits no baseline again). */
  readonly advantages: Float32Array[];
  /** This task's gradient of the post-update surrogate w.r.t. phi (first or second order). */
  readonly gradient: Float64Array;
  /** Wall-clock seconds of this job's phases. */
  readonly seconds: { sampling: number; gradient: number };
}

const toTensor = (x: Float64Array) => tf.tensor1d(Float32Array.from(x));

/** MAML's inner adaptation and post-update surrogate as differentiable functions. */
export function mamlObjectives(policy: Policy, alpha: number) {
  /** theta_k(p) by the inner steps on fixed batches; differentiable in p. */
  const adapt = (p: Tensor1D, inner: readonly TensorBatch[]): Tensor1D => {
    let theta = p;
    for (const b of inner) theta = policyGradientStep(theta, b.data, alpha);
    return theta;
  };
  /** The post-update importance-ratio surrogate at theta. */
  const outer = (theta: Tensor1D, d: TaskData): Scalar =>
    tf.tidy(() => {
      const { observations, actions, advantages } = d.post.batch;
      const logp = policy.logProb(theta, observations, actions);
      const ratio = tf.exp(tf.sub(logp, d.postLogProbs));
      return tf.mean(tf.mul(ratio, tf.tensor1d(advantages ?? new Float32Array(0)))) as Scalar;
    });
  /** The mean over tasks of the post-update surrogates after adapting from p. */
  const metaSurrogate = (p: Tensor1D, data: readonly TaskData[]): Scalar =>
    tf.tidy(
      () => tf.div(tf.addN(data.map((d) => outer(adapt(p, d.inner), d))), data.length) as Scalar,
    );
  return { adapt, outer, metaSurrogate };
}

/**
 * A task's tensors from its episodes and their advantages: the inner steps from phi and the
 * post-update log-probabilities. Deterministic, so the coordinator rebuilds exactly what the
 * job computed with. Takes ownership of `batches` when given (the job's own).
 */
export function taskData(
  policy: Policy,
  phi: Float64Array,
  episodes: readonly (readonly Episode[])[],
  advantages: readonly Float32Array[],
  settings: MamlInnerSettings,
  batches?: readonly TensorBatch[],
): TaskData {
  const all =
    batches ??
    episodes.map((e, k) => batchFrom(policy, e, advantages[k]!, settings.advantages.gamma));
  const inner = all.slice(0, -1);
  const post = all[all.length - 1]!;
  const postLogProbs = tf.tidy(() => {
    let theta = toTensor(phi);
    for (const b of inner) theta = policyGradientStep(theta, b.data, settings.alpha);
    return policy.logProb(theta, post.batch.observations, post.batch.actions) as Tensor1D;
  });
  return { inner, post, postLogProbs };
}

/** Frees a task's tensors. */
export function disposeTaskData(data: readonly TaskData[]): void {
  for (const d of data) {
    for (const b of d.inner) b.dispose();
    d.post.dispose();
    d.postLogProbs.dispose();
  }
}

/**
 * One task of sampled MAML: N episodes with the current inner policy for each inner step (each
 * step theta <- theta + alpha grad L_PG on them), N post-update episodes, and the task's gradient
 * of the post-update surrogate w.r.t. phi (second order differentiates through the inner steps).
 */
export async function runMamlTask(
  ctx: JobContext,
  shared: MamlTaskShared,
  input: MamlTaskInput,
): Promise<MamlTaskOutput> {
  const { policy, sampler } = ctx;
  const { settings } = shared;
  const started = performance.now();
  const episodes: Episode[][] = [];
  const batches: TensorBatch[] = [];
  let theta = toTensor(shared.phi);
  try {
    for (let k = 0; k <= settings.innerSteps; k++) {
      const [batch] = await sampler.sample([
        {
          task: input.task,
          params: theta,
          episodes: settings.episodesPerTask,
          seed: subSeed(shared.seed, input.index, k),
        },
      ]);
      episodes.push(batch!);
      const b = buildBatch(policy, batch!, settings.advantages);
      batches.push(b);
      if (k === settings.innerSteps) break;
      const next = policyGradientStep(theta, b.data, settings.alpha);
      theta.dispose();
      theta = next;
    }
  } catch (error) {
    for (const b of batches) b.dispose();
    throw error;
  } finally {
    theta.dispose();
  }
  const sampled = performance.now();
  const advantages = batches.map((b) => b.batch.advantages ?? new Float32Array(0));
  const data = taskData(policy, shared.phi, episodes, advantages, settings, batches);
  try {
    const { adapt, outer } = mamlObjectives(policy, settings.alpha);
    const gradient = tf.tidy(() => {
      const phi = toTensor(shared.phi);
      const g =
        settings.order === 'second'
          ? tf.grad((p: Tensor) => outer(adapt(p as Tensor1D, data.inner), data))(phi)
          : tf.grad((t: Tensor) => outer(t as Tensor1D, data))(adapt(phi, data.inner));
      return g;
    });
    const values = Float64Array.from(gradient.dataSync());
    gradient.dispose();
    const done = performance.now();
    return {
      episodes,
      advantages,
      gradient: values,
      seconds: { sampling: (sampled - started) / 1000, gradient: (done - sampled) / 1000 },
    };
  } finally {
    disposeTaskData([data]);
  }
}
