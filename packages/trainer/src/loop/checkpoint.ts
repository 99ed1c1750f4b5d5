import type { OptimizerState } from '../optim/first-order';
import type { RunDirectory } from '../run/run-directory';
import { RUN_FILES } from '../run/run-directory';
import { RunDirectoryError } from '../run/run-errors';

/** What a run needs to continue exactly where it stopped. */
export interface Checkpoint {
  readonly format: 'bomrl-checkpoint';
  readonly version: 1;
  /** Completed meta-iterations (the next one to run). */
  readonly iteration: number;
  /** The method's name, checked on resume. */
  readonly method: string;
  /** phi in float64 (JSON numbers round-trip doubles exactly). */
  readonly phi: number[];
  /** First-order optimizer state; null for the trust-region step (it keeps none). */
  readonly optimizer: OptimizerState | null;
}

/** What the resuming run expects of a checkpoint; each mismatch is an error naming the file. */
export interface CheckpointExpectation {
  /** Length of phi. */
  readonly params: number;
  /** The meta-optimizer in use: 'adam' | 'sgd' need their state, 'trpo' keeps none. */
  readonly optimizer: 'adam' | 'sgd' | 'trpo';
}

/** Writes the checkpoint atomically (a crash leaves the previous one intact). */
export function writeCheckpoint(run: RunDirectory, checkpoint: Checkpoint): void {
  run.writeJson(RUN_FILES.checkpoint, checkpoint);
}

const finiteArray = (x: unknown, n: number): x is number[] =>
  Array.isArray(x) && x.length === n && x.every((v) => typeof v === 'number' && Number.isFinite(v));

function checkOptimizer(
  state: unknown,
  expect: CheckpointExpectation,
  fail: (why: string) => never,
): void {
  if (expect.optimizer === 'trpo') return;
  if (state === null || typeof state !== 'object') {
    fail(`optimizer state is missing (meta.optimizer '${expect.optimizer}' needs it)`);
  }
  const s = state as Partial<OptimizerState>;
  if (s.kind !== expect.optimizer) {
    fail(`optimizer state is for '${String(s.kind)}', the config uses '${expect.optimizer}'`);
  }
  if (!Number.isInteger(s.step) || (s.step as number) < 0) fail('optimizer.step is not a count');
  for (const key of ['m', 'v'] as const) {
    const v = s[key];
    if (v === null && (s.kind === 'sgd' || s.step === 0)) continue;
    if (!finiteArray(v, expect.params)) {
      fail(`optimizer.${key} is not ${expect.params} finite numbers`);
    }
  }
}

/**
 * Reads and validates the run's checkpoint: format, iteration, phi (finite numbers and, with
 * `expect`, the right length) and the optimizer state. Errors name the file and what is wrong.
 */
export function readCheckpoint(run: RunDirectory, expect?: CheckpointExpectation): Checkpoint {
  const file = run.file(RUN_FILES.checkpoint);
  const fail = (why: string): never => {
    throw new RunDirectoryError(`${file}: ${why}; the checkpoint is damaged`);
  };
  const c = run.readJson<Checkpoint>(RUN_FILES.checkpoint);
  if (c === null || typeof c !== 'object') fail('not a JSON object');
  if (c.format !== 'bomrl-checkpoint' || c.version !== 1) fail('not a version-1 bomrl checkpoint');
  if (!Number.isInteger(c.iteration) || c.iteration < 0) fail('iteration is missing or invalid');
  if (typeof c.method !== 'string') fail('method is missing');
  if (!Array.isArray(c.phi) || !finiteArray(c.phi, c.phi.length) || c.phi.length === 0) {
    fail('phi is not an array of finite numbers');
  }
  if (expect) {
    if (c.phi.length !== expect.params) {
      fail(`phi has ${c.phi.length} entries, the policy has ${expect.params} parameters`);
    }
    checkOptimizer(c.optimizer, expect, fail);
  }
  return c;
}
