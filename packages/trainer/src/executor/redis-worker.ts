import { createHash } from 'node:crypto';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { JobContext } from './executor';
import { createJobContext } from './job-context';
import { runJob } from './jobs';
import { connectRedis } from './redis-connection';
import { isRunId, QUEUE_NAME, QUEUE_PREFIX, redactRedisUrl, runKeys } from './redis-names';
import { checkJobData, checkObject, checkSpec, decode, encode } from './redis-payload';

/** Options of {@link startRedisWorker}. */
export interface RedisWorkerOptions {
  readonly url: string;
  /**
   * How long a job's lock lasts (ms). BullMQ renews it every half of this while the job runs, so
   * a killed worker's job is retried elsewhere after about this long; it must exceed the longest
   * stretch a job computes without yielding to the event loop, or live jobs look stalled (they
   * then run twice, which is harmless but wasted).
   */
  readonly lockMs?: number;
  readonly log?: (line: string) => void;
}

/** A running worker: `closed` settles when it stops. */
export interface RedisWorker {
  /** Finishes the current job, then stops. */
  close(): Promise<void>;
}

// Job contexts (backend, MuJoCo models, policy, sampler) are slow to build: a few are kept, by
// the hash of the spec that built them, so consecutive runs of one config share one.
const MAX_CONTEXTS = 2;

/**
 * One `bomrl worker` slot: takes jobs of any run from the queue, one at a time (a context's
 * sampler is not re-entrant), and stores each output under its run's result key.
 */
export async function startRedisWorker(options: RedisWorkerOptions): Promise<RedisWorker> {
  const log = options.log ?? (() => {});
  const lockMs = options.lockMs ?? 30_000;
  const redis = await connectRedis(options.url, log);
  const contexts = new Map<string, Promise<JobContext & { close(): void }>>();
  const specHashes = new Map<string, string>();
  let sharedCache: { key: string; value: unknown } | undefined;

  async function contextOf(runId: string): Promise<JobContext> {
    const keys = runKeys(runId);
    let hash = specHashes.get(runId);
    if (hash === undefined || !(await redis.exists(keys.spec))) {
      const bytes = await redis.getBuffer(keys.spec);
      if (!bytes) {
        // the coordinator stopped or restarted: this job belongs to nobody any more
        throw new UnrecoverableError(`run ${runId} is gone (its coordinator stopped); job dropped`);
      }
      hash = createHash('sha256').update(bytes).digest('hex');
      specHashes.set(runId, hash);
      if (!contexts.has(hash)) {
        const spec = checkSpec(decode(bytes, `spec of run ${runId}`));
        log(`building a job context for run ${runId} (${spec.config.name}, ${spec.backend})`);
        contexts.set(hash, createJobContext(spec));
        for (const old of [...contexts.keys()].slice(0, -MAX_CONTEXTS)) {
          const evicted = contexts.get(old)!;
          contexts.delete(old);
          evicted.then((c) => c.close()).catch(() => {});
        }
      }
    }
    return contexts.get(hash)!;
  }

  async function sharedOf(runId: string, call: number): Promise<unknown> {
    const key = runKeys(runId).shared(call);
    if (sharedCache?.key !== key) {
      const bytes = await redis.getBuffer(key);
      if (!bytes) throw new UnrecoverableError(`run ${runId}: call ${call} is over; job dropped`);
      sharedCache = { key, value: checkObject(decode(bytes, key), key) };
    }
    return sharedCache.value;
  }

  async function process(job: Job): Promise<number> {
    let data: ReturnType<typeof checkJobData>;
    try {
      data = checkJobData(job.data, isRunId);
    } catch (error) {
      throw new UnrecoverableError(`job ${job.id}: ${(error as Error).message}`);
    }
    log(`job ${job.id}: ${data.kind} (start ${job.attemptsStarted})`);
    const ctx = await contextOf(data.runId);
    const shared = await sharedOf(data.runId, data.call);
    const input = checkObject(
      decode(Buffer.from(data.input, 'base64'), `input of job ${job.id}`),
      `input of job ${job.id}`,
    );
    const output = await runJob(ctx, data.kind, shared as never, input as never);
    const bytes = encode(output);
    // stored before the job completes, so whoever completes it (this or a retry) left a result
    await redis.set(runKeys(data.runId).result(job.id!), bytes, 'EX', 3600);
    return bytes.length;
  }

  const worker = new Worker(QUEUE_NAME, process, {
    // BullMQ duplicates it for its blocking commands and closes that copy; this one is ours
    connection: redis,
    prefix: QUEUE_PREFIX,
    concurrency: 1,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    // a job whose worker died is retried this many times before it fails for good
    maxStalledCount: 10,
    autorun: true,
  });
  worker.on('failed', (job, error) => log(`job ${job?.id ?? '?'} failed: ${error.message}`));
  worker.on('error', (error) => log(`worker: ${error.message}`));
  await worker.waitUntilReady();
  log(`bomrl worker: connected to ${redactRedisUrl(options.url)}, waiting for jobs`);
  return {
    async close() {
      await worker.close();
      for (const c of contexts.values()) await c.then((x) => x.close()).catch(() => {});
      redis.disconnect();
    },
  };
}
