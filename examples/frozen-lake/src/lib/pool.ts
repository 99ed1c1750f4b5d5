/** Training in child processes, at most `width` at once. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TrainingSummary } from './train';

/** The entry point a child runs, and the TypeScript loader it needs. */
const TRAIN_ONE = fileURLToPath(new URL('../train-one.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

/** Trains one config in a child process; resolves with its summary line. */
export function trainInChild(
  id: string,
  configFile: string,
  dir: string,
  overrides: readonly string[],
  log: (line: string) => void,
): Promise<TrainingSummary> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', TSX, TRAIN_ONE, configFile, dir, ...overrides],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let summary: TrainingSummary | undefined;
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      for (const line of text.split('\n')) {
        if (line.startsWith('{"done"')) summary = JSON.parse(line) as TrainingSummary;
        else if (line.trim()) log(`  ${line}`);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 && summary) resolve(summary);
      else reject(new Error(`training ${id} failed (exit ${code}):\n${stderr.slice(-4000)}`));
    });
  });
}

/** Starts the jobs in order, at most `width` at once; returns one promise per job. */
export function pool<T>(jobs: readonly (() => Promise<T>)[], width: number): Promise<T>[] {
  const settle = jobs.map(() => {
    let resolve!: (value: T) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => {}); // reported where awaited
    return { promise, resolve, reject };
  });
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      const job = jobs[i] as () => Promise<T>;
      const slot = settle[i] as (typeof settle)[number];
      try {
        slot.resolve(await job());
      } catch (error) {
        slot.reject(error);
      }
    }
  };
  for (let w = 0; w < Math.min(width, jobs.length); w++) void worker();
  return settle.map((s) => s.promise);
}
