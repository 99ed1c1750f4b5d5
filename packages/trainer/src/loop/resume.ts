import fs from 'node:fs';
import { ConfigError, resolveConfig } from '../config/load';
import type { Config } from '../config/schema';
import { RUN_FILES, type RunDirectory } from '../run/run-directory';
import { RunDirectoryError } from '../run/run-errors';
import { type Checkpoint, readCheckpoint } from './checkpoint';

/** Where a resumed run continues: the checkpoint's iteration, phi and optimizer state. */
export interface ResumePoint {
  readonly iteration: number;
  readonly phi?: Float64Array;
  readonly optimizer: Checkpoint['optimizer'];
}

/** What the resuming run is: its config, method name and parameter count. */
export interface ResumeContext {
  readonly config: Config;
  readonly method: string;
  readonly params: number;
  /** Accept a stored config or method that differs from the given one (logged). */
  readonly acceptConfigChange: boolean;
  readonly log: (line: string) => void;
}

/** Dotted paths where two JSON values differ (at most a few, for the message). */
function differences(a: unknown, b: unknown, at = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (
    a === null ||
    b === null ||
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    Array.isArray(a) ||
    Array.isArray(b)
  ) {
    return [at || '(root)'];
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) =>
    differences(
      (a as Record<string, unknown>)[k],
      (b as Record<string, unknown>)[k],
      at ? `${at}.${k}` : k,
    ),
  );
}

/** The run's config.json, validated; errors name the file. */
export function readStoredConfig(run: RunDirectory): Config {
  try {
    return resolveConfig(run.readJson(RUN_FILES.config));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new RunDirectoryError(
      `${run.file(RUN_FILES.config)} is not a valid config: ${error.issues.join('; ')}`,
    );
  }
}

/**
 * Validates everything a resume reads: the stored config against the given one (only
 * meta.iterations and executor may change unless `acceptConfigChange`), the checkpoint (format, finite phi of
 * the right length, optimizer state, method) and metrics.jsonl against the checkpoint's
 * iteration (rows after it are dropped and a torn last line is repaired, both logged; missing
 * or out-of-order rows are errors naming the file). A run stopped before its first checkpoint
 * resumes from iteration 0.
 */
export function prepareResume(run: RunDirectory, ctx: ResumeContext): ResumePoint {
  const { config, log } = ctx;
  if (!run.hasCheckpoint()) {
    if (run.readMetrics().length > 0) {
      throw new RunDirectoryError(
        `${run.file(RUN_FILES.metrics)} has rows but ${run.file(RUN_FILES.checkpoint)} is missing; the run cannot be resumed. Start a new run in another --out`,
      );
    }
    log(`${run.dir} has no checkpoint yet (stopped before iteration 0 was saved): starting at 0`);
    return { iteration: 0, optimizer: null };
  }
  if (!fs.existsSync(run.file(RUN_FILES.config))) {
    throw new RunDirectoryError(
      `${run.file(RUN_FILES.config)} is missing; the checkpoint cannot be matched to a config`,
    );
  }
  const stored = readStoredConfig(run);
  // the executor never changes results (bit-identical for any worker count), so it may change
  const changed = differences(
    { ...stored, meta: { ...stored.meta, iterations: 0 }, executor: config.executor },
    { ...config, meta: { ...config.meta, iterations: 0 } },
  );
  if (changed.length) {
    const list = changed.slice(0, 5).join(', ');
    if (!ctx.acceptConfigChange) {
      throw new RunDirectoryError(
        `resume: the config differs from ${run.file(RUN_FILES.config)} in ${list} (only meta.iterations and executor may change). Pass --accept-config-change to continue with the new config, or drop --resume and use another --out`,
      );
    }
    log(`resume: continuing with a changed config (${list}), as --accept-config-change asks`);
  }
  const ckpt = readCheckpoint(run, { params: ctx.params, optimizer: config.meta.optimizer });
  if (ckpt.method !== ctx.method) {
    if (!ctx.acceptConfigChange) {
      throw new RunDirectoryError(
        `${run.file(RUN_FILES.checkpoint)} was written by method '${ckpt.method}', this config runs '${ctx.method}'; pass --accept-config-change to continue anyway`,
      );
    }
    log(`resume: checkpoint of method '${ckpt.method}' continues as '${ctx.method}'`);
  }
  if (ckpt.iteration > config.meta.iterations) {
    throw new RunDirectoryError(
      `${run.file(RUN_FILES.checkpoint)} is at iteration ${ckpt.iteration}, past meta.iterations = ${config.meta.iterations}; raise meta.iterations to continue`,
    );
  }
  reconcileMetrics(run, ckpt.iteration, log);
  return {
    iteration: ckpt.iteration,
    phi: Float64Array.from(ckpt.phi),
    optimizer: config.meta.optimizer === 'trpo' ? null : ckpt.optimizer,
  };
}

/**
 * Makes metrics.jsonl hold exactly the rows of iterations 0 .. iteration-1: rows written after
 * the checkpoint (they will be recomputed identically) and a torn last line are dropped, with a
 * message; rows missing before the checkpoint or out of order are an error naming the file.
 */
export function reconcileMetrics(
  run: RunDirectory,
  iteration: number,
  log: (line: string) => void,
): void {
  const file = run.file(RUN_FILES.metrics);
  const { rows, tornLine } = run.readMetricsChecked();
  const kept = Math.min(rows.length, iteration);
  for (let i = 0; i < kept; i++) {
    if (rows[i]!.iteration !== i) {
      throw new RunDirectoryError(
        `${file}:${i + 1} is the row of iteration ${rows[i]!.iteration}, expected ${i}; the metrics are out of order (two writers?). Start a new run in another --out`,
      );
    }
  }
  if (rows.length < iteration) {
    throw new RunDirectoryError(
      `${file} has ${rows.length} rows but the checkpoint is at iteration ${iteration}: rows ${rows.length}..${iteration - 1} are missing, so the resumed metrics would have a gap. Restore the file or start a new run in another --out`,
    );
  }
  if (tornLine !== undefined) log(`${file}: dropped a torn last line (an interrupted write)`);
  if (rows.length > iteration) {
    log(
      `${file}: dropped ${rows.length - iteration} row(s) after the checkpoint (iteration ${iteration}); they are recomputed identically`,
    );
  }
  if (tornLine !== undefined || rows.length > iteration) run.writeMetrics(rows.slice(0, iteration));
}
