import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bomrl,
  mulberry32,
  NAV,
  read,
  referenceRun,
  sleep,
  start,
  TINY,
  tempDir,
  until,
  writeConfig,
} from './harness';

const tmp = tempDir('crash');
const config = writeConfig(tmp, 'tiny.json', TINY);
let reference = '';

beforeAll(async () => {
  reference = await referenceRun(tmp, config);
  expect(reference.trim().split('\n')).toHaveLength(TINY.meta.iterations);
}, 600_000);

const isRun = (out: string) => fs.existsSync(path.join(out, 'run.json'));
const hasCheckpoint = (out: string) => fs.existsSync(path.join(out, 'checkpoints/latest.json'));

describe('kill -9 at random moments, then --resume', () => {
  it('a kill before the first checkpoint leaves a run that resumes', async () => {
    const out = path.join(tmp, 'early');
    // kill as soon as the lock appears: run.json, config.json and the iteration-0 checkpoint
    // follow within milliseconds, so retry until the kill lands before the checkpoint
    let landed = false;
    for (let attempt = 0; attempt < 6 && !landed; attempt++) {
      fs.rmSync(out, { recursive: true, force: true });
      const p = start(['train', config, '--out', out]);
      await until(
        () => fs.existsSync(path.join(out, '.bomrl-lock')) || p.child.exitCode !== null,
        1,
      );
      p.child.kill('SIGKILL');
      await p.done;
      landed = isRun(out) ? !hasCheckpoint(out) : fs.existsSync(out);
    }
    expect(landed).toBe(true);
    const r = await bomrl(['train', config, '--out', out, ...(isRun(out) ? ['--resume'] : [])]);
    expect(r.code, r.stderr).toBe(0);
    expect(read(out, 'metrics.jsonl')).toBe(reference);
  }, 600_000);

  it('10 kills at random moments: the finished metrics are byte-identical', async () => {
    const seed = Number(process.env.BOMRL_RELIABILITY_SEED ?? Date.now() % 100_000);
    const random = mulberry32(seed);
    const long = writeConfig(tmp, 'long.json', { ...TINY, meta: { ...TINY.meta, iterations: 60 } });
    const longReference = await referenceRun(path.join(tmp, 'long-ref'), long);
    const out = path.join(tmp, 'kills');
    const rows = () =>
      fs.existsSync(path.join(out, 'metrics.jsonl'))
        ? read(out, 'metrics.jsonl').split('\n').length - 1
        : 0;
    const checkpointed = () =>
      hasCheckpoint(out) ? JSON.parse(read(out, 'checkpoints/latest.json')).iteration : 0;
    const moments: string[] = [];
    let tookOverLock = 0;
    for (let k = 0; k < 10; k++) {
      const p = start(['train', long, '--out', out, ...(isRun(out) ? ['--resume'] : [])]);
      // Every other kill lands at a random time after the start (module loading, setup, the
      // lock, the first checkpoint); the others during training, a random 1-8 iterations past
      // every row already on disk plus a random fraction of an iteration (row appends,
      // checkpoint writes and renames), so this process has itself trained at least one
      // iteration (rows written after the last checkpoint by an earlier, killed process would
      // otherwise satisfy the target at once). Tied to progress, not to time, so a slow
      // machine gets the same mix.
      let moment: string;
      if (k % 2 === 0) {
        const ms = Math.round(random() * 1500);
        await Promise.race([sleep(ms), p.done]);
        moment = `${ms}ms after start`;
      } else {
        const target = Math.max(checkpointed(), rows()) + 1 + Math.floor(random() * 8);
        await Promise.race([until(() => rows() >= target, 1), p.done]);
        const ms = Math.round(random() * 30);
        await Promise.race([sleep(ms), p.done]);
        moment = `iteration ${target} + ${ms}ms`;
      }
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
      const r = await p.done;
      if (/taking over the stale lock/.test(r.stdout)) tookOverLock++;
      expect(r.stderr, `kill ${k}`).not.toMatch(/^\s+at /m);
      moments.push(`${moment}: ${r.signal ?? `exit ${r.code}`}, ${rows()} rows`);
    }
    const last = await start(['train', long, '--out', out, ...(isRun(out) ? ['--resume'] : [])])
      .done;
    const story = `seed ${seed}; ${moments.join('; ')}`;
    expect(last.code, `${story}\n${last.stderr}`).toBe(0);
    expect(read(out, 'metrics.jsonl'), story).toBe(longReference);
    expect(moments.filter((m) => m.includes('SIGKILL')).length, story).toBe(10);
    expect(tookOverLock, story).toBeGreaterThan(0);
    expect(fs.readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(JSON.parse(read(out, 'run.json')).status).toBe('completed');
  }, 600_000);
});

describe('signals', () => {
  it('SIGTERM writes a checkpoint, marks the run interrupted and exits 143; --resume finishes it', async () => {
    const out = path.join(tmp, 'sigterm');
    const p = start(['train', config, '--out', out]);
    await until(() => /^train /m.test(p.stdout()), 5);
    p.child.kill('SIGTERM');
    const r = await p.done;
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(/SIGTERM: stopping after this iteration/);
    const ckpt = JSON.parse(read(out, 'checkpoints/latest.json'));
    const rows = read(out, 'metrics.jsonl').trim().split('\n');
    expect(ckpt.iteration).toBe(rows.length);
    expect(JSON.parse(read(out, 'run.json'))).toMatchObject({
      status: 'interrupted',
      iterations: ckpt.iteration,
    });
    const again = await bomrl(['train', config, '--out', out, '--resume']);
    expect(again.code, again.stderr).toBe(0);
    expect(read(out, 'metrics.jsonl')).toBe(reference);
  }, 600_000);

  it('a second Ctrl-C during an iteration saves the last completed one and exits 130', async () => {
    // sampled 2D navigation: iterations long enough that both signals land inside one, and the
    // sampler yields between tasks so each signal is handled during the iteration
    const nav = writeConfig(tmp, 'nav.json', NAV);
    const navReference = await referenceRun(path.join(tmp, 'nav-ref'), nav);
    const out = path.join(tmp, 'double-sigint');
    const p = start(['train', nav, '--out', out]);
    // the progress line is printed between iterations; a moment later the next one is running
    await until(() => /^train 1\//m.test(p.stdout()), 5);
    await sleep(300);
    p.child.kill('SIGINT');
    // the first is acknowledged before the iteration ends (signals of one kind do not queue,
    // so the second is sent after the acknowledgement)
    await until(() => /SIGINT: stopping after this iteration/.test(p.stderr()), 5);
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/SIGINT again: saving the last completed iteration/);
    const ckpt = JSON.parse(read(out, 'checkpoints/latest.json'));
    expect(ckpt.iteration).toBe(read(out, 'metrics.jsonl').trim().split('\n').length);
    expect(JSON.parse(read(out, 'run.json')).status).toBe('interrupted');
    expect(fs.existsSync(path.join(out, '.bomrl-lock'))).toBe(false);
    const again = await bomrl(['train', nav, '--out', out, '--resume']);
    expect(again.code, again.stderr).toBe(0);
    expect(read(out, 'metrics.jsonl')).toBe(navReference);
  }, 600_000);
});

describe('one writer per run directory', () => {
  it('a concurrent second writer is refused, fresh or --resume, and the first goes on intact', async () => {
    const out = path.join(tmp, 'concurrent');
    // a first writer with far more iterations than the test waits for, stopped with Ctrl-C
    const first = start(['train', config, '--out', out, '--set', 'meta.iterations=100000']);
    await until(() => hasCheckpoint(out), 5);
    const [fresh, resumed] = await Promise.all([
      bomrl(['train', config, '--out', out]),
      bomrl(['train', config, '--out', out, '--resume']),
    ]);
    for (const r of [fresh, resumed]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`in use by bomrl process ${first.child.pid}`));
    }
    expect(first.child.exitCode).toBe(null);
    first.child.kill('SIGINT');
    const r = await first.done;
    expect(r.code, r.stderr).toBe(130);
    // its rows are exactly an uninterrupted run's: nothing was interleaved
    const rows = read(out, 'metrics.jsonl').trim().split('\n');
    const expected = reference.trim().split('\n');
    const n = Math.min(rows.length, expected.length);
    expect(n).toBeGreaterThan(0);
    expect(rows.slice(0, n)).toEqual(expected.slice(0, n));
    expect(rows.map((l) => JSON.parse(l).iteration)).toEqual([...rows.keys()]);
  }, 600_000);
});

describe('a full disk (ENOSPC injected into one write)', () => {
  // BOMRL_TEST_FAIL_WRITE=n fails the n-th write of the process: 1 run.json, 2 config.json,
  // 3 the iteration-0 checkpoint, 4 metrics.csv, 5..9 the rows of iterations 0..4 (9 leaves a
  // torn line), 10 the checkpoint at iteration 5
  it.each([1, 3, 9, 10])(
    'write %i fails: the error names the file; --resume then finishes',
    async (n) => {
      const out = path.join(tmp, `enospc-${n}`);
      const r = await bomrl(['train', config, '--out', out], { BOMRL_TEST_FAIL_WRITE: String(n) });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(`cannot write ${out.replaceAll('/', '\\/')}/[\\w/.]+: ENOSPC`),
      );
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(JSON.parse(read(out, 'run.json')).status).toBe('failed');
      const again = await bomrl(['train', config, '--out', out, '--resume']);
      expect(again.code, again.stderr).toBe(0);
      expect(read(out, 'metrics.jsonl')).toBe(reference);
      const leftovers = [...fs.readdirSync(out), ...fs.readdirSync(path.join(out, 'checkpoints'))];
      expect(leftovers.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    },
    600_000,
  );
});
