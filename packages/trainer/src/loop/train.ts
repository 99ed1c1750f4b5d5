import { type BackendReport, selectBackend } from '@bomrl/core';
import { savePolicy } from '@bomrl/policies';
import * as tf from '@tensorflow/tfjs-core';
import { resolveConfig } from '../config/load';
import type { Config } from '../config/schema';
import { runKeyOf } from '../executor/redis-names';
import type { IterationWork, MetaMethod } from '../methods/method';
import { type MetricsRecord, RUN_FILES, RunDirectory } from '../run/run-directory';
import { RunDirectoryError } from '../run/run-errors';
import { acquireRunLock } from '../run/run-lock';
import { checkRunTarget, createRunDirectory, isRunDirectory } from '../run/run-path';
import { createRunSetup, type RunSetup } from '../setup/index';
import { writeCheckpoint } from './checkpoint';
import { createMetaUpdater } from './meta-update';
import {
  DIVERGENCE_LIMIT,
  isNumericError,
  NumericFailure,
  numericFailure,
  vectorProblem,
} from './numeric-guard';
import { prepareResume } from './resume';
import { iterationSeed, pickTasks } from './seeds';
import { splitTimings } from './timings';

/** Progress after each completed meta-iteration. */
export interface TrainProgress {
  /** Completed iterations (1 after the first). */
  readonly done: number;
  readonly total: number;
  /** The metrics row just written. */
  readonly metrics: MetricsRecord;
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** The run directory (created if needed; an existing one must be empty or a bomrl run). */
  readonly out: string;
  /** Continue from the run's checkpoint instead of starting fresh. */
  readonly resume?: boolean;
  /** With `resume`: accept a config or method that differs from the stored one (logged). */
  readonly acceptConfigChange?: boolean;
  /** Called after each meta-iteration. */
  readonly onProgress?: (progress: TrainProgress) => void;
  /** Progress within a meta-iteration (sampled BO-MRL and MAML: each task's job as it ends). */
  readonly onWork?: (work: IterationWork & { readonly iteration: number }) => void;
  /** Human-readable log lines (backend in use, resume point, repairs, ...). */
  readonly log?: (line: string) => void;
  /**
   * Stop request (the CLI wires Ctrl-C and SIGTERM to it): the current iteration finishes, a
   * checkpoint is written and `train` returns with status 'interrupted'.
   */
  readonly signal?: AbortSignal;
  /**
   * Stop-now request (a second Ctrl-C): when it aborts, the last completed iteration's state is
   * written synchronously (checkpoint, metrics.csv, run.json 'interrupted'), so the caller may
   * exit the process right after `abort()` returns.
   */
  readonly forceSignal?: AbortSignal;
  /**
   * redis://[:password@]host:port: run the per-task jobs on `bomrl worker` processes through
   * this Redis instead of `config.executor` (results are identical).
   */
  readonly redis?: string;
}

/** What {@link train} returns. */
export interface RunResult {
  /** The run directory. */
  readonly dir: string;
  readonly config: Config;
  readonly status: 'completed' | 'interrupted';
  /** Completed meta-iterations. */
  readonly iterations: number;
  readonly method: string;
  readonly backend: BackendReport;
  /** The last metrics row (undefined if no iteration ran). */
  readonly last?: MetricsRecord;
}

/** run.json: facts about the run that are not metrics (kept out of metrics.jsonl so resumed
 * runs stay byte-identical). */
export interface RunInfo {
  readonly method: string;
  readonly backend: string;
  /** 'running' also after a hard kill: a run is finished only when 'completed'. */
  readonly status: 'running' | 'completed' | 'interrupted' | 'failed';
  /** Completed meta-iterations (the checkpoint's iteration). */
  readonly iterations: number;
  /** meta.iterations of the config. */
  readonly total?: number;
  /** Why the run failed (status 'failed'). */
  readonly error?: string;
}

const norm = (x: Float64Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0));

/**
 * Meta-trains a method (any {@link MetaMethod} the config selects) into a run directory:
 * config.json, metrics.jsonl (+ metrics.csv), atomic checkpoints at iteration 0, every
 * `checkpointEvery` iterations and on stop, and the final policy. The directory is locked
 * against a second writer. With `resume` it validates the stored state and continues from the
 * checkpoint, producing exactly the metrics an uninterrupted run would have. Invalid configs
 * throw a ConfigError before anything is created; numeric failures stop the run before a bad
 * checkpoint is written and mark it 'failed'.
 */
export async function train(configInput: unknown, options: TrainOptions): Promise<RunResult> {
  const config = resolveConfig(configInput);
  const log = options.log ?? (() => {});
  checkRunTarget(options.out);
  if (options.resume && !isRunDirectory(options.out)) {
    throw new RunDirectoryError(
      `'${options.out}' holds no bomrl run to resume (no run.json); drop --resume to start one there`,
    );
  }
  const backend = await selectBackend(config.backend);
  log(`backend: ${backend.backend} (${backend.packageName})`);
  const setup = await createRunSetup(
    config,
    options.redis ? { redis: { url: options.redis, runKey: runKeyOf(options.out) }, log } : {},
  );
  const workers = setup.executor.workers;
  if (config.mode === 'sampled' && !options.redis) {
    log(
      `executor: ${workers === 0 ? 'main thread' : `${workers} worker thread${workers === 1 ? '' : 's'}`}`,
    );
  }
  try {
    const initial = setup.method.initialParams(config.seed);
    createRunDirectory(options.out);
    const lock = acquireRunLock(options.out, log);
    try {
      return await trainLocked(config, setup, initial, backend, options, log);
    } finally {
      lock.release();
    }
  } finally {
    await setup.dispose();
  }
}

async function trainLocked(
  config: Config,
  setup: RunSetup,
  initial: Float64Array,
  backend: BackendReport,
  options: TrainOptions,
  log: (line: string) => void,
): Promise<RunResult> {
  const run = new RunDirectory(options.out);
  const method: MetaMethod<unknown> = setup.method;
  for (const f of run.removeStaleTempFiles()) log(`removed a stale temporary file ${f}`);
  let start = 0;
  let phi = initial;
  let optimizerState = null;
  if (options.resume) {
    const point = prepareResume(run, {
      config,
      method: method.name,
      params: initial.length,
      acceptConfigChange: options.acceptConfigChange === true,
      log,
    });
    start = point.iteration;
    if (point.phi) phi = point.phi;
    optimizerState = point.optimizer;
    log(`resuming ${options.out} at iteration ${start}`);
  } else if (
    run.hasCheckpoint() ||
    run.readMetricsChecked().rows.length > 0 ||
    run.readMetricsChecked().tornLine !== undefined
  ) {
    throw new RunDirectoryError(
      `'${options.out}' already holds a run; add --resume to continue it, or choose another --out`,
    );
  }

  const total = config.meta.iterations;
  let done = start;
  const info = (status: RunInfo['status'], error?: string) =>
    run.writeJson(RUN_FILES.info, {
      method: method.name,
      backend: backend.backend,
      status,
      iterations: done,
      total,
      ...(error === undefined ? {} : { error }),
    } satisfies RunInfo);
  let started = true;
  try {
    info('running');
    const initialProblem = vectorProblem('phi', phi, DIVERGENCE_LIMIT);
    if (initialProblem) {
      throw numericFailure(config, start, `the initial ${initialProblem}`, !options.resume);
    }
    run.writeJson(RUN_FILES.config, config);
    const updater = createMetaUpdater(config.meta, method.name);
    if (optimizerState) updater.optimizer?.setState(optimizerState);
    const checkpoint = () => {
      writeCheckpoint(run, {
        format: 'bomrl-checkpoint',
        version: 1,
        iteration: done,
        method: method.name,
        phi: Array.from(phi),
        optimizer: updater.optimizer?.getState() ?? null,
      });
      run.writeMetricsCsv();
    };
    // every run is resumable from here on, even if it stops before its first iteration ends
    checkpoint();
    log(
      `method: ${method.name}; ${setup.tasks.train.length} train / ${setup.tasks.test.length} test tasks`,
    );
    // A second Ctrl-C: save the last completed iteration's state now. phi, done and the
    // optimizer state only change together, synchronously, so they are consistent here.
    const onForce = () => {
      try {
        checkpoint();
        info('interrupted');
        started = false;
      } catch (error) {
        log(`could not write the checkpoint: ${(error as Error).message}`);
      }
    };
    options.forceSignal?.addEventListener('abort', onForce, { once: true });
    let last: MetricsRecord | undefined;
    let status: RunResult['status'] = 'completed';
    // Each kind of warning (its text up to the first ':') is printed once per run; the methods
    // count every occurrence in metrics.jsonl (e.g. nonStationaryTasks) and the report marks it.
    const warned = new Set<string>();
    try {
      for (let it = start; it < total; it++) {
        if (options.signal?.aborted) {
          status = 'interrupted';
          break;
        }
        const row = await iteration(config, setup, updater, phi, it, options.onWork);
        for (const warning of row.warnings) {
          const kind = warning.split(':')[0]!;
          if (warned.has(kind)) continue;
          warned.add(kind);
          log(
            `warning (iteration ${it}; printed once per run, counted in metrics.jsonl): ${warning}`,
          );
        }
        phi = row.phi;
        const { metrics, timings } = splitTimings(row.metrics);
        last = metrics;
        run.appendMetrics(metrics);
        if (timings) run.appendTimings(timings);
        done = it + 1;
        if (done % config.checkpointEvery === 0 && done < total) checkpoint();
        options.onProgress?.({ done, total, metrics: last });
        // let signal handlers run (exact-mode methods never yield to the event loop)
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      options.forceSignal?.removeEventListener('abort', onForce);
    }
    if (options.signal?.aborted && done < total) status = 'interrupted';
    checkpoint();
    if (status === 'completed') {
      const params = tf.tensor1d(Float32Array.from(phi));
      try {
        run.writeJson(RUN_FILES.policy, JSON.parse(savePolicy(setup.policy, params)));
      } finally {
        params.dispose();
      }
    }
    info(status);
    started = false;
    return {
      dir: options.out,
      config,
      status,
      iterations: done,
      method: method.name,
      backend,
      ...(last ? { last } : {}),
    };
  } catch (error) {
    if (started) {
      try {
        info('failed', (error as Error).message);
      } catch {
        // the disk may be full: the error being thrown matters more than run.json
      }
    }
    throw error;
  }
}

/** One meta-iteration, guarded: any non-finite or diverged number throws a NumericFailure. */
async function iteration(
  config: Config,
  setup: RunSetup,
  updater: ReturnType<typeof createMetaUpdater>,
  phi: Float64Array,
  it: number,
  onWork?: TrainOptions['onWork'],
): Promise<{ phi: Float64Array; metrics: MetricsRecord; warnings: readonly string[] }> {
  const numeric = (error: unknown) =>
    !(error instanceof NumericFailure) && isNumericError(error)
      ? numericFailure(config, it, (error as Error).message)
      : error;
  const tasks = pickTasks(
    setup.tasks.train,
    config.meta.tasksPerBatch,
    iterationSeed(config.seed, it, 'tasks'),
  );
  let step: Awaited<ReturnType<RunSetup['method']['step']>>;
  try {
    step = await setup.method.step({
      phi,
      tasks,
      iteration: it,
      seed: iterationSeed(config.seed, it, 'method'),
      ...(onWork ? { onWork: (w: IterationWork) => onWork({ ...w, iteration: it }) } : {}),
    });
  } catch (error) {
    throw numeric(error);
  }
  let updated: Awaited<ReturnType<typeof updater.update>>;
  try {
    const problem =
      (Number.isFinite(step.objective) ? undefined : `the objective is ${step.objective}`) ??
      vectorProblem('meta-gradient', step.gradient);
    if (problem) throw numericFailure(config, it, problem);
    updated = await updater.update(phi, step);
  } catch (error) {
    throw numeric(error);
  } finally {
    step.trustRegion?.dispose();
  }
  const problem = vectorProblem('phi', updated.phi, DIVERGENCE_LIMIT);
  if (problem) throw numericFailure(config, it, `after the meta-update ${problem}`);
  return {
    phi: updated.phi,
    warnings: step.warnings ?? [],
    metrics: {
      iteration: it,
      objective: step.objective,
      preAdaptationReturn: step.preAdaptationReturn,
      gradientNorm: norm(step.gradient),
      ...step.diagnostics,
      ...updated.metrics,
    },
  };
}
