import fs from 'node:fs';
import { selectBackend } from '@bomrl/core';
import { evaluatePolicy, softmaxPolicy, valueIteration } from '@bomrl/envs/tabular';
import * as tf from '@tensorflow/tfjs-core';
import { readCheckpoint } from '../loop/checkpoint';
import { readStoredConfig } from '../loop/resume';
import { iterationSeed } from '../loop/seeds';
import type { RunInfo } from '../loop/train';
import { episodeReturns } from '../methods/maml-batch';
import { subSeed } from '../methods/maml-sampled';
import { RUN_FILES, RunDirectory } from '../run/run-directory';
import { RunDirectoryError } from '../run/run-errors';
import { createRunSetup, type RunSetup } from '../setup/index';
import { type MeanStderr, meanStderr } from './stats';

/** Options of {@link metaTest}. */
export interface MetaTestOptions {
  /** Adaptation rounds K (default config.metaTest.rounds). */
  readonly rounds?: number;
  /** Use only the first N held-out tasks (default: all of them). */
  readonly tasks?: number;
  /** Seeds per task (default config.metaTest.seeds). */
  readonly seeds?: number;
  /** Fresh evaluation episodes per task per round (default config.sampler.episodesPerTask). */
  readonly episodes?: number;
  /** Called after each (seed, task). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Evaluate a run that has not completed (at its checkpoint) instead of refusing. */
  readonly allowIncomplete?: boolean;
}

/** The statistics of one adaptation round over tasks x seeds. */
export interface RoundResult {
  /** 0 = the meta-policy itself, k = after k adaptations. */
  readonly round: number;
  /** Undiscounted episode return of fresh episodes. */
  readonly return: MeanStderr;
  /** Discounted episode return of fresh episodes. */
  readonly discountedReturn: MeanStderr;
  /** Exact finite-horizon J (known models only). */
  readonly exactReturn?: MeanStderr;
  /** E_tau J*_tau by finite-horizon value iteration (known models only). */
  readonly optimalReturn?: number;
  /** J*_tau - J_tau(adapted), over tasks x seeds (known models only). */
  readonly optimalityGap?: MeanStderr;
}

/** What results.json holds. */
export interface MetaTestResults {
  readonly format: 'bomrl-meta-test';
  readonly method: string;
  readonly tasks: number;
  readonly seeds: number;
  readonly episodesPerTask: number;
  readonly rounds: readonly RoundResult[];
  /** The checkpoint's meta-iteration that was evaluated (metaTest on a run directory). */
  readonly iteration?: number;
  /** False when the evaluated run had not completed its meta-iterations. */
  readonly complete?: boolean;
}

/**
 * The meta-test protocol (docs/algorithm.md#meta-test-protocol) for parameters phi: for every held-out task
 * and seed, `method.adaptRounds` adapts K times (each round on fresh data from the previous
 * round's policy); after each round N fresh episodes give undiscounted and discounted returns,
 * and where the model is known the exact J and the gap to J* (finite-horizon value iteration).
 * Means and standard errors are over tasks x seeds.
 */
export async function evaluateMetaPolicy(
  setup: RunSetup,
  phi: Float64Array,
  options: MetaTestOptions = {},
): Promise<MetaTestResults> {
  const { config, method, sampler, tasks } = setup;
  const rounds = options.rounds ?? config.metaTest.rounds;
  const seeds = options.seeds ?? config.metaTest.seeds;
  const episodes = options.episodes ?? config.sampler.episodesPerTask;
  const testTasks = tasks.test.slice(0, options.tasks ?? tasks.test.length);
  if (!Number.isInteger(rounds) || rounds < 0)
    throw new RangeError(`meta-test: rounds must be a non-negative integer, got ${rounds}`);
  if (testTasks.length === 0) throw new RangeError('meta-test: no held-out tasks');
  const K = rounds + 1;
  const ret: number[][] = Array.from({ length: K }, () => []);
  const disc: number[][] = Array.from({ length: K }, () => []);
  const exactJ: number[][] = Array.from({ length: K }, () => []);
  const gap: number[][] = Array.from({ length: K }, () => []);
  const optimal: number[] = [];
  const total = seeds * testTasks.length;
  let done = 0;
  for (let s = 0; s < seeds; s++) {
    for (const [i, task] of testTasks.entries()) {
      const seed = subSeed(iterationSeed(config.seed, s, 'metaTest'), i, 0);
      const params = await method.adaptRounds(phi, task, rounds, seed);
      const model = tasks.model?.(task);
      const jStar = model ? valueIteration(model, { mode: 'finite' }).J : undefined;
      if (jStar !== undefined && s === 0) optimal.push(jStar);
      for (let k = 0; k < K; k++) {
        const p = params[k]!;
        const tensor = tf.tensor1d(Float32Array.from(p));
        try {
          const [eps] = await sampler.sample([
            { task, params: tensor, episodes, seed: subSeed(seed, k, 0xe7a1) },
          ]);
          const r = episodeReturns(eps!, tasks.gamma);
          ret[k]!.push(r.undiscounted);
          disc[k]!.push(r.discounted);
        } finally {
          tensor.dispose();
        }
        if (model && jStar !== undefined) {
          const J = evaluatePolicy(model, softmaxPolicy(p, model.nStates, model.nActions), {
            mode: 'finite',
          }).J;
          exactJ[k]!.push(J);
          gap[k]!.push(jStar - J);
        }
      }
      options.onProgress?.(++done, total);
    }
  }
  const known = optimal.length > 0;
  return {
    format: 'bomrl-meta-test',
    method: method.name,
    tasks: testTasks.length,
    seeds,
    episodesPerTask: episodes,
    rounds: Array.from({ length: K }, (_, k) => ({
      round: k,
      return: meanStderr(ret[k]!),
      discountedReturn: meanStderr(disc[k]!),
      ...(known
        ? {
            exactReturn: meanStderr(exactJ[k]!),
            optimalReturn: meanStderr(optimal).mean,
            optimalityGap: meanStderr(gap[k]!),
          }
        : {}),
    })),
  };
}

/**
 * Meta-tests a finished (or checkpointed) run: rebuilds its setup from config.json, loads phi
 * (float64) from the checkpoint, evaluates on the held-out tasks and writes results.json.
 */
export async function metaTest(
  run: string | { readonly dir: string },
  options: MetaTestOptions = {},
): Promise<MetaTestResults> {
  const dir = new RunDirectory(typeof run === 'string' ? run : run.dir);
  const config = readStoredConfig(dir);
  const info = fs.existsSync(dir.file(RUN_FILES.info))
    ? dir.readJson<RunInfo>(RUN_FILES.info)
    : undefined;
  const checkpoint = readCheckpoint(dir);
  const complete = info?.status === 'completed';
  if (!complete && options.allowIncomplete !== true) {
    throw new RunDirectoryError(
      `${dir.dir} is not a finished run (status ${info?.status ?? 'unknown'}, ${checkpoint.iteration} of ${config.meta.iterations} iterations); finish it with bomrl train --resume, or pass --allow-incomplete to evaluate the checkpoint at iteration ${checkpoint.iteration}`,
    );
  }
  await selectBackend(config.backend);
  const phi = Float64Array.from(checkpoint.phi);
  const setup = await createRunSetup(config);
  try {
    const results = {
      ...(await evaluateMetaPolicy(setup, phi, options)),
      iteration: checkpoint.iteration,
      complete,
    };
    dir.writeJson(RUN_FILES.results, results);
    return results;
  } finally {
    await setup.dispose();
  }
}
