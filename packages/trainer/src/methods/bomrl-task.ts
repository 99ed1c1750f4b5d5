import { scoped } from '@bomrl/core';
import {
  type Episode,
  flattenEpisodes,
  implicitHypergradients,
  outerPolicyGradient,
  type PreparedTask,
  prepareTask,
  type SampledBomrlSettings,
  solveLowerLevel,
} from '@bomrl/meta-gradient';
import type { Policy } from '@bomrl/policies';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { JobContext } from '../executor/executor';
import { subSeed } from './sub-seed';

/** What every task of one BO-MRL meta-iteration shares. */
export interface BomrlTaskShared {
  readonly phi: Float64Array;
  /** The iteration's seed; task i samples with sub-seeds of (seed, i). */
  readonly seed: number;
  readonly settings: SampledBomrlSettings;
  readonly episodesPerTask: number;
}

/** One task of the meta-batch. */
export interface BomrlTaskInput {
  readonly task: unknown;
  /** Position in the meta-batch (selects the sampling seeds). */
  readonly index: number;
}

/** One task's contribution to a sampled BO-MRL meta-iteration (plain, structured-clonable). */
export interface BomrlTaskOutput {
  readonly pre: Episode[];
  readonly post: Episode[];
  /** theta' = Alg(phi) on the pre-update batch, as float32 values. */
  readonly theta: Float32Array;
  /** This task's hypergradient d J(theta'(phi)) / d phi in both modes. */
  readonly gradients: { readonly full: Float64Array; readonly 'ignore-data': Float64Array };
  readonly lowerLevel: {
    readonly solverSteps: number;
    readonly gradNorm: number;
    readonly relativeGradNorm: number;
    readonly distance: number;
  };
  readonly adjoint: {
    readonly iterations: number;
    readonly relativeResidual: number;
    readonly stationarity: number;
  };
  /** Wall-clock seconds of this job's phases. */
  readonly seconds: { sampling: number; lowerLevel: number; hypergradient: number };
}

const toTensor = (x: Float64Array) => tf.tensor1d(Float32Array.from(x));

/**
 * The pre-update batch as every job of an iteration prepares it (the modes fix the batch's GAE
 * lambda: with 'full' it is 1), so the task job, the line-search re-solves and the tangent all
 * see the same G.
 */
export function prepareBomrlTask(
  policy: Policy,
  phi: Tensor1D,
  pre: readonly Episode[],
  settings: SampledBomrlSettings,
): PreparedTask {
  return prepareTask(policy, phi, pre, settings, ['full', 'ignore-data']);
}

/**
 * One task of a sampled BO-MRL meta-iteration (docs/algorithm.md#lower-level, #hypergradient):
 * N episodes with pi_phi, theta' = Alg(phi) on them, N episodes with pi_theta', the outer policy
 * gradient and the implicit hypergradient in both modes. A pure function of its inputs.
 */
export async function runBomrlTask(
  ctx: JobContext,
  shared: BomrlTaskShared,
  input: BomrlTaskInput,
): Promise<BomrlTaskOutput> {
  const { policy, sampler } = ctx;
  const { settings, episodesPerTask: N } = shared;
  const seconds = { sampling: 0, lowerLevel: 0, hypergradient: 0 };
  let clock = performance.now();
  const lap = (phase: keyof typeof seconds) => {
    const now = performance.now();
    seconds[phase] += (now - clock) / 1000;
    clock = now;
  };
  const phi = toTensor(shared.phi);
  try {
    const [pre] = await sampler.sample([
      { task: input.task, params: phi, episodes: N, seed: subSeed(shared.seed, input.index, 0) },
    ]);
    const prepared = prepareBomrlTask(policy, phi, pre!, settings);
    lap('sampling');
    try {
      const { theta, report } = solveLowerLevel(policy, phi, prepared, settings);
      lap('lowerLevel');
      try {
        const [post] = await sampler.sample([
          {
            task: input.task,
            params: theta,
            episodes: N,
            seed: subSeed(shared.seed, input.index, 1),
          },
        ]);
        lap('sampling');
        const g = outerPolicyGradient(
          policy,
          theta,
          post!,
          settings.gamma,
          settings.gaeLambda ?? 1,
        );
        try {
          const r = implicitHypergradients(policy, phi, theta, g, prepared, settings, [
            'full',
            'ignore-data',
          ]);
          lap('hypergradient');
          return {
            pre: pre!,
            post: post!,
            theta: Float32Array.from(theta.dataSync()),
            gradients: { full: r.gradients.full!, 'ignore-data': r.gradients['ignore-data']! },
            lowerLevel: {
              solverSteps: report.solverSteps,
              gradNorm: report.gradNorm,
              relativeGradNorm: report.relativeGradNorm,
              distance: report.distance,
            },
            adjoint: {
              iterations: r.adjoint.iterations,
              relativeResidual: r.adjoint.relativeResidual,
              stationarity: r.adjoint.stationarity,
            },
            seconds,
          };
        } finally {
          g.dispose();
        }
      } finally {
        theta.dispose();
      }
    } finally {
      prepared.data.dispose();
    }
  } finally {
    phi.dispose();
  }
}

/** What the line search sends to judge a candidate meta-parameter on one task. */
export interface BomrlCandidateShared {
  readonly phi: Float64Array;
  readonly candidate: Float64Array;
  readonly settings: SampledBomrlSettings;
}

/** One task's recorded data of the iteration (from its {@link BomrlTaskOutput}). */
export interface BomrlCandidateInput {
  readonly pre: Episode[];
  readonly post: Episode[];
  readonly theta: Float32Array;
}

/**
 * The post-update surrogate's improvement on one task at a candidate phi~: re-adapt from phi~ on
 * the SAME pre-update batch (behaviour log-probabilities stay pi_phi's) and evaluate
 *     (1/N) sum_episodes sum_t gamma^t (pi_theta~(a_t|s_t) / pi_theta'(a_t|s_t) - 1) A_t
 * on the SAME post-update episodes, a first-order estimate of J(theta~) - J(theta').
 */
export function bomrlCandidateImprovement(
  ctx: JobContext,
  shared: BomrlCandidateShared,
  input: BomrlCandidateInput,
): number {
  const { policy } = ctx;
  const { settings } = shared;
  const phi = toTensor(shared.phi);
  const candidate = toTensor(shared.candidate);
  const prepared = prepareBomrlTask(policy, phi, input.pre, settings);
  const post = postSurrogateData(policy, input.post, tf.tensor1d(input.theta), settings);
  try {
    const { theta } = solveLowerLevel(policy, candidate, prepared, settings);
    try {
      return post.improvement(theta);
    } finally {
      theta.dispose();
    }
  } finally {
    prepared.data.dispose();
    post.dispose();
    tf.dispose([phi, candidate]);
  }
}

/**
 * Post-update steps with log pi_theta'(a|s) and weights gamma^t A_t / N, and the first-order
 * improvement of J at other parameters on them (takes `theta`).
 */
export function postSurrogateData(
  policy: Policy,
  episodes: readonly Episode[],
  theta: Tensor1D,
  settings: SampledBomrlSettings,
) {
  const flat = flattenEpisodes(episodes, settings.gamma, settings.gaeLambda ?? 1);
  const w = new Float32Array(flat.steps);
  for (let i = 0; i < flat.steps; i++)
    w[i] = (settings.gamma ** flat.timeSteps[i]! * flat.advantages[i]!) / episodes.length;
  const observations = policy.obsTensor(flat.observations);
  const actions = policy.actionTensor(flat.actions);
  const logProbs = tf.tidy(() => policy.logProb(theta, observations, actions));
  theta.dispose();
  const weights = tf.tensor1d(w);
  return {
    /** sum_i w_i (pi_x(a_i|s_i) / pi_theta'(a_i|s_i) - 1): J(x) - J(theta') to first order. */
    improvement: (x: Tensor1D): number =>
      scoped(() => {
        const logp = policy.logProb(x, observations, actions);
        const ratio = tf.exp(tf.sub(logp, logProbs));
        return tf.sum(tf.mul(tf.sub(ratio, 1), weights)).dataSync()[0]!;
      }),
    dispose: () => tf.dispose([observations, actions, logProbs, weights]),
  };
}
