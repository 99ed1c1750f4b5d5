/**
 * Drives the built `bomrl` CLI (dist/cli.js) as a user would: real processes, real signals,
 * real files. Shared by the reliability suite (`pnpm test:reliability`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** The result of one CLI run. */
export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A started CLI process and the promise of its result. */
export interface Started {
  readonly child: ChildProcess;
  readonly done: Promise<CliRun>;
  readonly stdout: () => string;
  readonly stderr: () => string;
}

export function start(args: readonly string[], env: Record<string, string> = {}): Started {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<CliRun>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done, stdout: () => stdout, stderr: () => stderr };
}

export const bomrl = (args: readonly string[], env: Record<string, string> = {}) =>
  start(args, env).done;

export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `bomrl-rel-${label}-`));
}

/** Waits until `predicate` holds, polling every `everyMs` (a hung CLI fails the test's timeout). */
export async function until(predicate: () => boolean, everyMs = 2): Promise<void> {
  while (!predicate()) await new Promise((r) => setTimeout(r, everyMs));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The tiny run every crash test uses: exact-mode MAML with Adam on 3x3 Frozen Lake (a fraction of
 * a second per iteration), checkpoints every 5 iterations.
 */
export const TINY = {
  name: 'tiny',
  env: {
    family: 'frozen-lake',
    variance: 'high',
    size: 3,
    horizon: 15,
    tasks: { count: 8, seed: 4 },
  },
  policy: { kind: 'tabular-softmax' },
  method: { kind: 'maml', alpha: 5 },
  mode: 'exact',
  meta: { optimizer: 'adam', lr: 0.05, iterations: 40, tasksPerBatch: 2 },
  metaTest: { rounds: 1 },
  backend: 'cpu',
  checkpointEvery: 5,
};

/** A small sampled run (2D navigation, Gaussian MLP): iterations of a second or more. */
export const NAV = {
  name: 'nav',
  env: { family: 'navigation-2d', horizon: 100, tasks: { count: 10, seed: 3 } },
  policy: { kind: 'gaussian-mlp', hidden: [16] },
  method: { kind: 'maml', alpha: 0.1 },
  mode: 'sampled',
  meta: { optimizer: 'adam', lr: 0.01, iterations: 4, tasksPerBatch: 6 },
  sampler: { episodesPerTask: 20 },
  metaTest: { rounds: 1 },
  backend: 'cpu',
  checkpointEvery: 2,
};

/** Writes a config file and returns its path. */
export function writeConfig(dir: string, name: string, config: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  return file;
}

export const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8');

/** A reference: the config trained without interruption; returns its metrics.jsonl. */
export async function referenceRun(dir: string, config: string): Promise<string> {
  const out = path.join(dir, 'reference');
  fs.mkdirSync(dir, { recursive: true });
  const r = await bomrl(['train', config, '--out', out]);
  if (r.code !== 0) throw new Error(`reference run failed: ${r.stderr}`);
  return read(out, 'metrics.jsonl');
}

/** True when stderr shows a JavaScript stack trace (a crash rather than a message). */
export const hasStackTrace = (text: string) => /^\s+at .+[(:]\d+/m.test(text);

/** A seeded generator for the random kill moments (the seed is logged, so a failure replays). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
