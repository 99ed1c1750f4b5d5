import type { JobContext, JobInput, JobKind, JobOutput, JobShared, TaskExecutor } from './executor';
import { runJob } from './jobs';

/** Runs jobs one after another in this thread with the run's own policy and sampler. */
export class InProcessExecutor implements TaskExecutor {
  readonly workers = 0;

  constructor(private readonly context: JobContext) {}

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

  async close(): Promise<void> {
    // the run owns the policy and the sampler
  }
}
