import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobInput, JobKind, JobOutput, JobShared, TaskExecutor } from './executor';
import type { WorkerSpec } from './job-context';
import { connectRedis } from './redis-connection';
import { jobIdOf, newRunId, QUEUE_NAME, QUEUE_PREFIX, runKeyPattern, runKeys } from './redis-names';
import { checkOutput, decode, encode, type RedisJobData } from './redis-payload';

/** Options of {@link RedisExecutor.connect}. */
export interface RedisExecutorOptions {
  /** redis://[:password@]host:port[/db] (rediss:// for TLS). */
  readonly url: string;
  /** The run directory's stable key ({@link runKeyOf}): its previous starts' jobs are discarded. */
  readonly runKey: string;
  /** What workers build their job context from (sent once per start). */
  readonly spec: WorkerSpec;
  readonly log?: (line: string) => void;
}

// A dead coordinator's keys vanish on their own after this long; a live one refreshes them.
const KEY_TTL_SECONDS = 3600;
const REFRESH_MS = 60_000;

/**
 * Runs jobs on `bomrl worker` processes anywhere that reach the same Redis, through a BullMQ
 * queue. Per `run` call the shared value (phi ...) is stored once under the run id, one job per
 * input is enqueued with a deterministic id, and the outputs are read back in input order. Jobs
 * are pure, so retries (a worker killed mid-job) and duplicates cannot change a result.
 */
export class RedisExecutor implements TaskExecutor {
  /** Unknown and changing (workers join and leave); > 0 so sampling goes through the queue. */
  readonly workers = 1;
  private call = 0;
  private closed = false;
  /** Earlier starts are discarded on the first `run`: by then `train` holds the run's lock. */
  private discarded = false;
  private readonly keys: ReturnType<typeof runKeys>;
  private readonly refresh: NodeJS.Timeout;

  private constructor(
    private readonly redis: Redis,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    readonly runId: string,
    private readonly runKey: string,
    private readonly log: (line: string) => void,
  ) {
    this.keys = runKeys(runId);
    this.refresh = setInterval(() => {
      this.redis.expire(this.keys.spec, KEY_TTL_SECONDS).catch(() => {});
    }, REFRESH_MS);
    this.refresh.unref();
  }

  /**
   * Connects and publishes the worker spec. What earlier starts of the same run directory left
   * (queued jobs and keys of a coordinator killed mid-iteration) is discarded on the first `run`.
   */
  static async connect(options: RedisExecutorOptions): Promise<RedisExecutor> {
    const log = options.log ?? (() => {});
    const redis = await connectRedis(options.url, log);
    const connection = { connection: redis, prefix: QUEUE_PREFIX };
    const queue = new Queue(QUEUE_NAME, connection);
    // BullMQ duplicates the connection for the events' blocking reads (and closes the copy)
    const events = new QueueEvents(QUEUE_NAME, { connection: redis, prefix: QUEUE_PREFIX });
    const runId = newRunId(options.runKey);
    const executor = new RedisExecutor(redis, queue, events, runId, options.runKey, log);
    try {
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
      await redis.set(executor.keys.spec, encode(options.spec), 'EX', KEY_TTL_SECONDS);
      log(`redis: run id ${runId}; ${await queue.getWorkersCount()} worker(s) connected`);
    } catch (error) {
      await executor.close();
      throw error;
    }
    return executor;
  }

  async run<K extends JobKind>(
    kind: K,
    shared: JobShared<K>,
    inputs: readonly JobInput<K>[],
  ): Promise<JobOutput<K>[]> {
    if (this.closed) throw new Error('executor: run() after close()');
    if (!this.discarded) {
      this.discarded = true;
      const stale = await discardStartsOf(this.redis, this.queue, this.runKey, this.runId);
      if (stale > 0) this.log(`redis: discarded ${stale} queued jobs and keys of an earlier start`);
    }
    const call = this.call++;
    const sharedKey = this.keys.shared(call);
    await this.redis.set(sharedKey, encode(shared), 'EX', KEY_TTL_SECONDS);
    await this.redis.expire(this.keys.spec, KEY_TTL_SECONDS);
    try {
      const jobs = await this.queue.addBulk(
        inputs.map((input, index) => {
          const data: RedisJobData = {
            runId: this.runId,
            call,
            kind,
            input: encode(input).toString('base64'),
          };
          return {
            name: kind,
            data,
            opts: {
              jobId: jobIdOf(this.runId, call, index),
              // a failing job is retried on any worker; a deterministic error fails every time
              attempts: 3,
              backoff: { type: 'fixed', delay: 1000 },
              // kept a while: a finished job's id must stay known (waitUntilFinished, duplicates)
              removeOnComplete: { age: 3600 },
              removeOnFail: { age: 24 * 3600 },
            },
          };
        }),
      );
      const outputs: JobOutput<K>[] = [];
      // awaited in input order: the result keys are read only once every job is done
      await Promise.all(jobs.map((job) => job.waitUntilFinished(this.events)));
      for (const job of jobs) {
        const key = this.keys.result(job.id!);
        const bytes = await this.redis.getBuffer(key);
        if (!bytes) throw new Error(`redis: job ${job.id} finished without a result (${key})`);
        const what = `result of job ${job.id}`;
        outputs.push(checkOutput(kind, decode(bytes, what), what) as JobOutput<K>);
      }
      await this.redis.del(...jobs.map((job) => this.keys.result(job.id!)));
      // a finished call's jobs hold their inputs (a line-search candidate's carry its tasks'
      // episodes): removed now rather than kept in Redis's memory until they age out
      await Promise.all(jobs.map((job) => job.remove().catch(() => {})));
      return outputs;
    } finally {
      await this.redis.del(sharedKey);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.refresh);
    try {
      await discardStart(this.redis, this.queue, this.runId);
    } catch {
      // the keys expire on their own
    }
    await this.events.close();
    await this.queue.close();
    this.redis.disconnect();
  }
}

/** The keys matching `pattern` (SCAN, so a busy Redis is not blocked). */
async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

/**
 * Discards every earlier start of run directory `runKey`: queued jobs are removed, and with the
 * spec key gone a job already running on a worker is dropped when it next asks for its run.
 */
async function discardStartsOf(
  redis: Redis,
  queue: Queue,
  runKey: string,
  current: string,
): Promise<number> {
  let n = 0;
  for (const job of await queue.getJobs(['waiting', 'delayed', 'prioritized'])) {
    if (job?.id?.startsWith(`${runKey}-`) && !job.id.startsWith(`${current}.`)) {
      await job.remove().catch(() => {});
      n++;
    }
  }
  for (const key of await scanKeys(redis, runKeyPattern(runKey))) {
    if (!key.startsWith(`bomrl:run:${current}:`)) n += await redis.del(key);
  }
  return n;
}

/** Removes this start's queued jobs and keys (on close). */
async function discardStart(redis: Redis, queue: Queue, runId: string): Promise<void> {
  for (const job of await queue.getJobs(['waiting', 'delayed', 'prioritized'])) {
    if (job?.id?.startsWith(`${runId}.`)) await job.remove().catch(() => {});
  }
  const keys = await scanKeys(redis, `bomrl:run:${runId}:*`);
  if (keys.length) await redis.del(...keys);
}
