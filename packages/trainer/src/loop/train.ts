import { type BackendReport, selectBackend } from '@bomrl/core';
import { savePolicy } from '@bomrl/policies';
import * as tf from '@tensorflow/tfjs-core';
import { resolveConfig } from '../config/load';
import type { Config } from '../config/schema';
import { type MetricsRecord, RUN_FILES, RunDirectory } from '../run/run-directory';
import { createRunSetup } from '../setup/index';
import { readCheckpoint, writeCheckpoint } from './checkpoint';
import { createMetaUpdater } from './meta-update';
import { iterationSeed, pickTasks } from './seeds';

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
  /** The run directory (created if needed). */
  readonly out: string;
  /** Continue from the run's checkpoint instead of starting fresh. */
  readonly resume?: boolean;
  /** Called after each meta-iteration. */
  readonly onProgress?: (progress: TrainProgress) => void;
  /** Human-readable log lines (backend in use, resume point, ...). */
  readonly log?: (line: string) => void;
  /**
   * Stop request (the CLI wires Ctrl-C to it): the current iteration finishes, a checkpoint is
   * written and `train` returns with status 'interrupted'.
   */
  readonly signal?: AbortSignal;
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
  readonly status: 'running' | 'completed' | 'interrupted';
  readonly iterations: number;
}

/** The configs must agree except on meta.iterations (a resumed run may train longer). */
function checkResumable(stored: Config, given: Config): void {
  const strip = (c: Config) => JSON.stringify({ ...c, meta: { ...c.meta, iterations: 0 } });
  if (strip(stored) !== strip(given)) {
    throw new Error(
      'resume: the config differs from the one stored in the run directory (only meta.iterations may change); drop --resume to start a new run in another directory',
    );
  }
}

const norm = (x: Float64Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0));

/**
 * Meta-trains a method (any {@link MetaMethod} the config selects) into a run directory:
 * config.json, metrics.jsonl (+ metrics.csv), atomic checkpoints every `checkpointEvery`
 * iterations and on stop, and the final policy. With `resume` it continues from the checkpoint
 * and produces exactly the metrics an uninterrupted run would have. Invalid configs throw a
 * ConfigError before any work.
 */
export async function train(configInput: unknown, options: TrainOptions): Promise<RunResult> {
  const config = resolveConfig(configInput);
  const log = options.log ?? (() => {});
  const run = new RunDirectory(options.out);
  let start = 0;
  let phi: Float64Array | undefined;
  let optimizerState = null;
  if (options.resume) {
    if (!run.hasCheckpoint()) {
      throw new Error(`resume: '${options.out}' has no checkpoint to resume from`);
    }
    checkResumable(resolveConfig(run.readJson(RUN_FILES.config)), config);
    const ckpt = readCheckpoint(run);
    start = ckpt.iteration;
    phi = Float64Array.from(ckpt.phi);
    optimizerState = ckpt.optimizer;
    // rows written after the checkpoint will be recomputed identically
    run.truncateMetricsAfter(start - 1);
    log(`resuming ${options.out} at iteration ${start}`);
  } else if (run.hasCheckpoint() || run.readMetrics().length > 0) {
    throw new Error(
      `'${options.out}' already holds a run; pass resume to continue it or choose another output directory`,
    );
  }

  const backend = await selectBackend(config.backend);
  log(`backend: ${backend.backend} (${backend.packageName})`);
  const setup = await createRunSetup(config);
  const { method } = setup;
  try {
    run.writeJson(RUN_FILES.config, config);
    const updater = createMetaUpdater(config.meta, method.name);
    if (optimizerState) updater.optimizer?.setState(optimizerState);
    phi ??= method.initialParams(config.seed);
    const info = (status: RunInfo['status'], iterations: number) =>
      run.writeJson('run.json', {
        method: method.name,
        backend: backend.backend,
        status,
        iterations,
      } satisfies RunInfo);
    const checkpoint = (iteration: number, current: Float64Array) => {
      writeCheckpoint(run, {
        format: 'bomrl-checkpoint',
        version: 1,
        iteration,
        method: method.name,
        phi: Array.from(current),
        optimizer: updater.optimizer?.getState() ?? null,
      });
      run.writeMetricsCsv();
    };
    info('running', start);
    log(
      `method: ${method.name}; ${setup.tasks.train.length} train / ${setup.tasks.test.length} test tasks`,
    );

    const total = config.meta.iterations;
    let last: MetricsRecord | undefined;
    let done = start;
    let status: RunResult['status'] = 'completed';
    // Each kind of warning (its text up to the first ':') is printed once per run; the methods
    // count every occurrence in metrics.jsonl (e.g. nonStationaryTasks) and the report marks it.
    const warned = new Set<string>();
    for (let it = start; it < total; it++) {
      if (options.signal?.aborted) {
        status = 'interrupted';
        break;
      }
      const tasks = pickTasks(
        setup.tasks.train,
        config.meta.tasksPerBatch,
        iterationSeed(config.seed, it, 'tasks'),
      );
      const step = await method.step({
        phi,
        tasks,
        iteration: it,
        seed: iterationSeed(config.seed, it, 'method'),
      });
      let updated: ReturnType<typeof updater.update>;
      try {
        updated = updater.update(phi, step);
      } finally {
        step.trustRegion?.dispose();
      }
      for (const warning of step.warnings ?? []) {
        const kind = warning.split(':')[0]!;
        if (warned.has(kind)) continue;
        warned.add(kind);
        log(
          `warning (iteration ${it}; printed once per run, counted in metrics.jsonl): ${warning}`,
        );
      }
      phi = updated.phi;
      last = {
        iteration: it,
        objective: step.objective,
        preAdaptationReturn: step.preAdaptationReturn,
        gradientNorm: norm(step.gradient),
        ...step.diagnostics,
        ...updated.metrics,
      };
      run.appendMetrics(last);
      done = it + 1;
      if (done % config.checkpointEvery === 0 && done < total) checkpoint(done, phi);
      options.onProgress?.({ done, total, metrics: last });
      // Let signal handlers (Ctrl-C) run: the in-process sampler never yields to the event loop.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (options.signal?.aborted && done < total) status = 'interrupted';
    checkpoint(done, phi);
    if (status === 'completed') {
      const params = tf.tensor1d(Float32Array.from(phi));
      try {
        run.writeJson(RUN_FILES.policy, JSON.parse(savePolicy(setup.policy, params)));
      } finally {
        params.dispose();
      }
    }
    info(status, done);
    return {
      dir: options.out,
      config,
      status,
      iterations: done,
      method: method.name,
      backend,
      ...(last ? { last } : {}),
    };
  } finally {
    setup.dispose();
  }
}
