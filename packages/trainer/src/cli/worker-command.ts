import { fork } from 'node:child_process';
import { startRedisWorker } from '../executor/redis-worker';
import type { ProgressSink } from './progress';

/** The environment variable that may hold the Redis URL (keeps a password off `ps`). */
export const REDIS_URL_ENV = 'BOMRL_REDIS_URL';

/** Options of {@link runWorker}. */
export interface WorkerCommandOptions {
  readonly url: string;
  readonly concurrency: number;
  readonly lockSeconds: number;
  readonly stderr: ProgressSink;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Resolves on the first SIGINT or SIGTERM. */
function stopRequested(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      for (const s of STOP_SIGNALS) process.off(s, on);
      resolve(signal);
    };
    for (const s of STOP_SIGNALS) process.on(s, on);
  });
}

/**
 * `bomrl worker`: one job slot in this process, or `concurrency` child processes of one slot
 * each (a process computes on one core, and a slot's sampler is not re-entrant). Runs until
 * SIGINT/SIGTERM, then finishes the current job and exits 0.
 */
export async function runWorker(options: WorkerCommandOptions): Promise<number> {
  const log = (line: string) => options.stderr.write(`${line}\n`);
  if (options.concurrency > 1) return superviseSlots(options, log);
  const worker = await startRedisWorker({
    url: options.url,
    lockMs: options.lockSeconds * 1000,
    log,
  });
  const signal = await stopRequested();
  log(`${signal}: finishing the current job, then stopping`);
  await worker.close();
  return 0;
}

/** Starts `concurrency` one-slot worker processes and stops them on SIGINT/SIGTERM. */
async function superviseSlots(
  options: WorkerCommandOptions,
  log: (line: string) => void,
): Promise<number> {
  const entry = process.argv[1]!;
  const children = Array.from({ length: options.concurrency }, () =>
    fork(entry, ['worker', '--concurrency', '1', '--lock-seconds', String(options.lockSeconds)], {
      env: { ...process.env, [REDIS_URL_ENV]: options.url },
      stdio: 'inherit',
    }),
  );
  const exits = children.map(
    (child, i) =>
      new Promise<number>((resolve) =>
        child.on('exit', (code, signal) => {
          if (code !== 0) log(`worker slot ${i + 1} exited (${signal ?? `code ${code}`})`);
          resolve(code ?? 1);
        }),
      ),
  );
  const signal = await Promise.race([stopRequested(), Promise.all(exits).then(() => null)]);
  if (signal) for (const child of children) child.kill(signal);
  const codes = await Promise.all(exits);
  return codes.every((c) => c === 0) ? 0 : 1;
}
