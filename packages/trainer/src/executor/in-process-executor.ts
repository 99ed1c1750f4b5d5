import type { JobContext, JobInput, JobKind, JobOutput, JobShared, TaskExecutor } from './executor';
import { JobCache } from './job-cache';
import { runJob } from './jobs';

/** Runs jobs one after another in this thread with the run's own policy and sampler. */
export class InProcessExecutor implements TaskExecutor {
  readonly workers = 0;
  private readonly context: JobContext;

  constructor(local: Pick<JobContext, 'policy' | 'sampler'>) {
    this.context = { ...local, cache: new JobCache() };
  }

  async run<K extends JobKind>(
    kind: K,
    shared: JobShared<K>,
    inputs: readonly JobInput<K>[],
    onJobDone?: () => void,
  ): Promise<JobOutput<K>[]> {
    const out: JobOutput<K>[] = [];
    for (const input of inputs) {
      out.push(await runJob(this.context, kind, shared, input));
      onJobDone?.();
    }
    return out;
  }

  releaseCache(): void {
    this.context.cache.clear();
  }

  async close(): Promise<void> {
    // the run owns the policy and the sampler; the cache is this executor's
    this.context.cache.clear();
  }
}
