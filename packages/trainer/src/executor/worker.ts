import { workerData } from 'node:worker_threads';
import type { JobContext } from './executor';
import { createJobContext, type WorkerSpec } from './job-context';
import { JOB_KINDS, type JobTypes, runJob } from './jobs';

/** Jobs of one kind and call as the thread pool sends them: run in order, one output each. */
export interface WorkerJob {
  readonly kind: keyof JobTypes;
  readonly shared: unknown;
  readonly inputs: readonly unknown[];
}

// built on the first job and kept: loading the backend and MuJoCo models is the slow part
let context: Promise<JobContext> | undefined;

/** The worker-thread entry (piscina calls the default export once per message). */
export default async function handleJob(job: WorkerJob): Promise<unknown[]> {
  if (!JOB_KINDS.includes(job.kind)) throw new RangeError(`worker: unknown job kind '${job.kind}'`);
  context ??= createJobContext(workerData as WorkerSpec);
  const ctx = await context;
  const outputs: unknown[] = [];
  for (const input of job.inputs) {
    outputs.push(await runJob(ctx, job.kind, job.shared as never, input as never));
  }
  return outputs;
}
