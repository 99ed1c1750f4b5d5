import type { OptimizerState } from '../optim/first-order';
import type { RunDirectory } from '../run/run-directory';
import { RUN_FILES } from '../run/run-directory';

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

/** Writes the checkpoint atomically (a crash leaves the previous one intact). */
export function writeCheckpoint(run: RunDirectory, checkpoint: Checkpoint): void {
  run.writeJson(RUN_FILES.checkpoint, checkpoint);
}

/** Reads and validates the run's checkpoint. */
export function readCheckpoint(run: RunDirectory): Checkpoint {
  const c = run.readJson<Checkpoint>(RUN_FILES.checkpoint);
  if (c.format !== 'bomrl-checkpoint' || c.version !== 1) {
    throw new Error(`${run.file(RUN_FILES.checkpoint)} is not a version-1 bomrl checkpoint`);
  }
  if (!Number.isInteger(c.iteration) || c.iteration < 0 || !Array.isArray(c.phi)) {
    throw new Error(`${run.file(RUN_FILES.checkpoint)}: iteration or phi is missing or invalid`);
  }
  return c;
}
