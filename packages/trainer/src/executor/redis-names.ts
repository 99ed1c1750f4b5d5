import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';

/** The BullMQ queue every coordinator enqueues on and every `bomrl worker` takes jobs from. */
export const QUEUE_NAME = 'jobs';
/** BullMQ's key prefix: the queue's own keys are `bomrl:jobs:*`. */
export const QUEUE_PREFIX = 'bomrl';

/**
 * A run directory's stable part of the run id (the same on every resume of that directory on this
 * machine), so a restarted coordinator can find and discard the jobs its previous start left.
 */
export function runKeyOf(out: string): string {
  return createHash('sha256').update(path.resolve(out)).digest('hex').slice(0, 16);
}

/** A run id for one coordinator start: `<run key>-<nonce>`; every key and job id carries it. */
export function newRunId(runKey: string): string {
  return `${runKey}-${randomBytes(6).toString('hex')}`;
}

const RUN_ID = /^[0-9a-f]{16}-[0-9a-f]{12}$/;

/** True for a run id {@link newRunId} could have made (checked on what arrives from Redis). */
export const isRunId = (value: unknown): value is string =>
  typeof value === 'string' && RUN_ID.test(value);

/** The Redis keys of one coordinator start (all under `bomrl:run:<run id>:`). */
export const runKeys = (runId: string) => ({
  /** The v8-serialized WorkerSpec (config + backend): sent once per start. */
  spec: `bomrl:run:${runId}:spec`,
  /** The v8-serialized `shared` value of `run` call `call` (phi etc.): sent once per call. */
  shared: (call: number) => `bomrl:run:${runId}:shared:${call}`,
  /** A job's v8-serialized output. */
  result: (jobId: string) => `bomrl:run:${runId}:result:${jobId}`,
});

/** A pattern matching the keys of every start of the run directory `runKey`. */
export const runKeyPattern = (runKey: string) => `bomrl:run:${runKey}-*`;

/**
 * The deterministic BullMQ job id of input `index` of call `call`: a retried or re-added job has
 * the same id, so it is stored and run once (BullMQ ignores an add with an existing id).
 */
export const jobIdOf = (runId: string, call: number, index: number) => `${runId}.${call}.${index}`;

/** A Redis URL with its password replaced by `***`, for logs and errors. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparsable Redis URL>';
  }
}

/** Checks a `--redis`/`--executor` URL, with an error that names the expected form. */
export function checkRedisUrl(url: string, option: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RangeError(
      `${option}: '${redactRedisUrl(url)}' is not a URL; use redis://[:password@]host:port[/db] (rediss:// for TLS)`,
    );
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new RangeError(
      `${option}: expected a redis:// or rediss:// URL, got '${u.protocol}' (redis://[:password@]host:port[/db])`,
    );
  }
  return url;
}
