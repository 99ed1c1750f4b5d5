import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bomrl,
  read,
  referenceRun,
  type Started,
  start,
  tempDir,
  until,
  writeConfig,
} from '../reliability/harness';
import { type RedisServer, startRedisServer } from './redis-server';

/**
 * `pnpm test:distributed`: coordinator (`bomrl train --executor <url>`) and worker processes
 * (`bomrl worker --redis <url>`) around a password-protected redis-server on a free loopback
 * port. Every distributed run must write a metrics.jsonl byte-identical to the in-process run
 * (executor.workers 0): jobs are pure and reduced in task order, whichever worker ran them,
 * however often, and across a coordinator restart.
 */

/** Sampled BO-MRL with a TRPO meta-step: 'bomrl-task' and 'bomrl-candidate' jobs. */
const NAV = {
  name: 'nav-dist',
  env: { family: 'navigation-2d', horizon: 50, tasks: { count: 10, seed: 3 } },
  policy: { kind: 'gaussian-mlp', hidden: [16] },
  method: {
    kind: 'bomrl',
    alg: 'forward-kl',
    lambda: 0.5,
    solver: { kind: 'adam', lr: 0.01, maxSteps: 10 },
  },
  mode: 'sampled',
  meta: { optimizer: 'trpo', iterations: 5, tasksPerBatch: 4, maxKl: 0.01 },
  sampler: { episodesPerTask: 10 },
  metaTest: { rounds: 1 },
  backend: 'cpu',
  checkpointEvery: 1,
  executor: { workers: 0 },
};

/**
 * HalfCheetahVel (MuJoCo) with sampled MAML-TRPO: 'maml-task' jobs, then the meta-step's
 * 'kl-fisher' and 'maml-candidate' jobs, 17-dim observations.
 */
const CHEETAH = {
  name: 'cheetah-dist',
  env: { family: 'half-cheetah-vel', horizon: 25, tasks: { count: 10, seed: 7 } },
  policy: { kind: 'gaussian-mlp', hidden: [16] },
  method: { kind: 'maml', alpha: 0.1 },
  mode: 'sampled',
  meta: { optimizer: 'trpo', maxKl: 0.01, iterations: 2, tasksPerBatch: 3 },
  sampler: { episodesPerTask: 3 },
  metaTest: { rounds: 1 },
  backend: 'cpu',
  checkpointEvery: 1,
  executor: { workers: 0 },
};

const PASSWORD = 'distributed-test-secret';
const tmp = tempDir('distributed');
const navConfig = writeConfig(tmp, 'nav.json', NAV);
const cheetahConfig = writeConfig(tmp, 'cheetah.json', CHEETAH);
let redis: RedisServer;
let navReference = '';
let cheetahReference = '';
const workers: Started[] = [];

/** A worker process; a short job lock so a killed worker's job is retried within seconds. */
function startWorker(): Started {
  const w = start(['worker', '--redis', 'redis', '--lock-seconds', '5'], {
    BOMRL_REDIS_URL: redis.url,
  });
  workers.push(w);
  return w;
}

const live = () => workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
const rows = (out: string) => {
  const file = path.join(out, 'metrics.jsonl');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').length : 0;
};
/** The ids of the jobs a worker started, in order (it logs `job <id>: <kind>` at each start). */
const jobLines = (w: Started) => [...w.stderr().matchAll(/^job ([^\s:]+):/gm)].map((m) => m[1]!);
const train = (config: string, out: string, extra: string[] = []) =>
  start(['train', config, '--out', out, '--executor', redis.url, ...extra]);

beforeAll(async () => {
  redis = await startRedisServer(PASSWORD);
  navReference = await referenceRun(path.join(tmp, 'nav'), navConfig);
  cheetahReference = await referenceRun(path.join(tmp, 'cheetah'), cheetahConfig);
  expect(navReference.trim().split('\n')).toHaveLength(NAV.meta.iterations);
  startWorker();
  startWorker();
}, 900_000);

afterAll(async () => {
  for (const w of workers) w.child.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.done));
  await redis?.stop();
});

describe('bomrl train --executor redis:// with 2 worker processes', () => {
  it('navigation-2d (BO-MRL, TRPO): metrics byte-identical to the in-process run', async () => {
    const out = path.join(tmp, 'nav-2w');
    const r = await train(navConfig, out).done;
    expect(r.code, r.stderr).toBe(0);
    expect(read(out, 'metrics.jsonl')).toBe(navReference);
    // every job ran on a worker, and the password never reached a log
    expect(workers.flatMap(jobLines).length).toBeGreaterThan(0);
    for (const text of [r.stdout, r.stderr, ...workers.map((w) => w.stderr())]) {
      expect(text).not.toContain(PASSWORD);
    }
  });

  it('HalfCheetahVel (MAML-TRPO): metrics byte-identical to the in-process run', async () => {
    const out = path.join(tmp, 'cheetah-2w');
    const r = await train(cheetahConfig, out).done;
    expect(r.code, r.stderr).toBe(0);
    expect(read(out, 'metrics.jsonl')).toBe(cheetahReference);
  });

  it('a worker killed with SIGKILL mid-job: its job is retried elsewhere, metrics identical', async () => {
    const out = path.join(tmp, 'nav-worker-killed');
    const [victim, survivor] = live();
    const p = train(navConfig, out);
    // mid-run: after the first iteration, at the moment the victim starts a job
    await until(() => rows(out) >= 1 || p.child.exitCode !== null, 20);
    const before = jobLines(victim!).length;
    await until(() => jobLines(victim!).length > before || p.child.exitCode !== null, 1);
    victim!.child.kill('SIGKILL');
    const killedJob = jobLines(victim!).at(-1)!;
    const r = await p.done;
    expect(r.code, r.stderr).toBe(0);
    expect(read(out, 'metrics.jsonl')).toBe(navReference);
    // the job the victim held was taken over by the survivor after its lock expired
    expect(survivor!.stderr()).toContain(`job ${killedJob}:`);
    startWorker();
  });

  it('a coordinator killed with SIGKILL mid-iteration resumes with --resume: metrics identical', async () => {
    const out = path.join(tmp, 'nav-coordinator-killed');
    const p = train(navConfig, out);
    const count = () => workers.flatMap(jobLines).length;
    await until(() => rows(out) >= 2 || p.child.exitCode !== null, 20);
    const before = count();
    await until(() => count() > before || p.child.exitCode !== null, 1);
    p.child.kill('SIGKILL');
    const killed = await p.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(rows(out)).toBeLessThan(NAV.meta.iterations);
    const r = await train(navConfig, out, ['--resume']).done;
    expect(r.code, r.stderr).toBe(0);
    expect(read(out, 'metrics.jsonl')).toBe(navReference);
  });

  it('a wrong password fails with a clear error that does not print the password', async () => {
    const wrong = redis.url.replace(PASSWORD, 'not-the-password');
    const r = await bomrl(['worker', '--redis', wrong]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/WRONGPASS|NOAUTH|invalid password|cannot reach/i);
    expect(r.stderr).not.toContain('not-the-password');
  });
});
