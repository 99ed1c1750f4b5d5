import type { Policy } from '@bomrl/policies';
import type { Sampler } from '../sampling/sampler';
import type { JobCache } from './job-cache';
import type { JobTypes } from './jobs';

/**
 * Where a job runs: the policy and a sampler of its own (a worker thread or machine builds both
 * from the run's config; the in-process executor lends the run's own), and what the jobs of one
 * call sequence keep between them ({@link JobCache}).
 */
export interface JobContext {
  readonly policy: Policy;
  readonly sampler: Sampler<unknown>;
  readonly cache: JobCache;
}

/** The kinds of per-task job a method can hand to an executor. */
export type JobKind = keyof JobTypes;
/** What every job of one `run` call shares (sent once per call, e.g. phi). */
export type JobShared<K extends JobKind> = JobTypes[K]['shared'];
/** One job's own input (e.g. its task and index in the meta-batch). */
export type JobInput<K extends JobKind> = JobTypes[K]['input'];
/** One job's result. */
export type JobOutput<K extends JobKind> = JobTypes[K]['output'];

/**
 * Runs a meta-iteration's independent per-task jobs. Every job is a pure function of its inputs
 * (seeds included), so results do not depend on which worker ran it, in which order, or how
 * often; `run` returns them in input order and the caller reduces them in that order, which
 * makes a run bit-identical for any number of workers.
 */
export interface TaskExecutor {
  /** Jobs that can run at the same time (0: in this thread). */
  readonly workers: number;
  /** `onJobDone` is called as each job finishes (for progress within a long iteration). */
  run<K extends JobKind>(
    kind: K,
    shared: JobShared<K>,
    inputs: readonly JobInput<K>[],
    onJobDone?: () => void,
  ): Promise<JobOutput<K>[]>;
  /**
   * Frees what jobs cached in THIS thread (the in-process executor's job cache), e.g. when a
   * trust-region step ends; workers free theirs when the next call's first job arrives.
   */
  releaseCache?(): void;
  /** Stops the workers (idempotent). */
  close(): Promise<void>;
}
