import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { JobInput, JobKind, JobOutput, JobShared, TaskExecutor } from './executor';
import type { WorkerSpec } from './job-context';
import { cachesBetweenJobs } from './jobs';
import type { WorkerJob } from './worker';

/** `items` in at most `count` contiguous groups whose sizes differ by at most one, in order. */
function contiguousGroups<T>(items: readonly T[], count: number): T[][] {
  const groups: T[][] = [];
  const n = Math.min(count, items.length);
  let start = 0;
  for (let g = 0; g < n; g++) {
    const size = Math.floor(items.length / n) + (g < items.length % n ? 1 : 0);
    groups.push(items.slice(start, start + size));
    start += size;
  }
  return groups;
}

/**
 * The built worker entry: next to this module in `dist/`, or in `dist/` when this module runs
 * from source (the package's own tests).
 */
function workerFile(): string {
  for (const relative of ['./worker.js', '../../dist/worker.js']) {
    const file = fileURLToPath(new URL(relative, import.meta.url));
    if (fs.existsSync(file)) return file;
  }
  throw new Error(
    'executor: the worker entry dist/worker.js is missing; build @bomrl/trainer first (pnpm build)',
  );
}

/**
 * Runs jobs on a pool of worker threads (piscina), each with its own tfjs backend, MuJoCo models,
 * policy and sampler built from the run's config. Jobs are handed out as workers free up;
 * results come back in input order.
 */
export class ThreadPoolExecutor implements TaskExecutor {
  private readonly pool: Piscina;
  private closed = false;

  constructor(
    readonly workers: number,
    spec: WorkerSpec,
  ) {
    if (!Number.isInteger(workers) || workers < 1) {
      throw new RangeError(`executor.workers: a thread pool needs >= 1 worker, got ${workers}`);
    }
    this.pool = new Piscina({
      filename: workerFile(),
      minThreads: workers,
      maxThreads: workers,
      // one job per worker at a time: a worker's sampler and backend are not re-entrant
      concurrentTasksPerWorker: 1,
      idleTimeout: Number.POSITIVE_INFINITY,
      workerData: spec,
    });
    // A job's own failure rejects its promise in run(); without a listener, piscina's 'error'
    // event (e.g. a late answer after destroy) would crash the process instead.
    this.pool.on('error', () => {});
  }

  async run<K extends JobKind>(
    kind: K,
    shared: JobShared<K>,
    inputs: readonly JobInput<K>[],
    onJobDone?: () => void,
  ): Promise<JobOutput<K>[]> {
    if (this.closed) throw new Error('executor: run() after close()');
    // Jobs that reuse a worker's cache go as one contiguous group per worker: piscina hands a
    // message to the first idle worker, and all are idle when a call starts, so task i reaches
    // the same worker on every call of the sequence (a miss would only cost a rebuild). Other
    // jobs go one by one, to whichever worker frees up first.
    const groups = cachesBetweenJobs(kind)
      ? contiguousGroups(inputs, this.workers)
      : inputs.map((input) => [input]);
    // Wait for every job to settle before failing: the caller frees the pool when a job fails,
    // and a job still running then would answer a destroyed pool.
    const settled = await Promise.allSettled(
      groups.map(async (group) => {
        const job: WorkerJob = { kind, shared, inputs: group };
        const out = (await this.pool.run(job)) as JobOutput<K>[];
        for (let i = 0; i < group.length; i++) onJobDone?.();
        return out;
      }),
    );
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.flatMap((s) => (s as PromiseFulfilledResult<JobOutput<K>[]>).value);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.destroy();
  }
}
