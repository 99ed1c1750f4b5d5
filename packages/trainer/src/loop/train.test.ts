import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/load';
import type { ConfigInput } from '../config/schema';
import { RUN_FILES, RunDirectory } from '../run/run-directory';
import { train } from './train';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bomrl-train-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const dir = (name: string) => path.join(tmp, name);

/** A tiny exact-mode MAML run on 4x4 Frozen Lake. */
export function exactMaml(overrides: Partial<ConfigInput> = {}): ConfigInput {
  return {
    env: { family: 'frozen-lake', variance: 'high', size: 4, tasks: { count: 8, seed: 3 } },
    policy: { kind: 'tabular-softmax', initLogit: 0.1 },
    method: { kind: 'maml', alpha: 1, order: 'second' },
    mode: 'exact',
    meta: { optimizer: 'adam', lr: 0.1, iterations: 20, tasksPerBatch: 3 },
    backend: 'cpu',
    checkpointEvery: 5,
    ...overrides,
  };
}

/** A tiny sampled-mode MAML run on 2x2 Frozen Lake (few short episodes). */
function sampledMaml(iterations: number): ConfigInput {
  return {
    env: {
      family: 'frozen-lake',
      variance: 'high',
      size: 3,
      horizon: 12,
      tasks: { count: 6, seed: 5 },
    },
    policy: { kind: 'tabular-softmax' },
    method: { kind: 'maml', alpha: 0.5, order: 'second' },
    mode: 'sampled',
    meta: { optimizer: 'adam', lr: 0.05, iterations, tasksPerBatch: 2 },
    sampler: { episodesPerTask: 4 },
    backend: 'cpu',
    seed: 11,
    checkpointEvery: 2,
  };
}

describe('train', () => {
  it('exact-mode MAML raises the meta-objective and writes the run files', async () => {
    const out = dir('exact');
    const result = await train(exactMaml(), { out });
    expect(result.status).toBe('completed');
    expect(result.iterations).toBe(20);
    const rows = new RunDirectory(out).readMetrics();
    expect(rows.map((r) => r.iteration)).toEqual([...Array(20).keys()]);
    const first = rows[0]!.objective as number;
    const last = rows[19]!.objective as number;
    expect(last).toBeGreaterThan(first + 0.1);
    // results.json comes from `test`; timings.jsonl only from methods that time their phases
    const optional: string[] = [RUN_FILES.results, RUN_FILES.timings];
    for (const f of Object.values(RUN_FILES).filter((f) => !optional.includes(f))) {
      expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    }
    const policy = JSON.parse(fs.readFileSync(path.join(out, RUN_FILES.policy), 'utf8'));
    expect(policy.kind).toBe('tabular-softmax');
    expect(policy.params).toHaveLength(64);
  });

  it('interrupt + resume gives byte-identical metrics to an uninterrupted run', async () => {
    const full = dir('full');
    await train(sampledMaml(6), { out: full });
    const part = dir('part');
    const stop = new AbortController();
    const first = await train(sampledMaml(6), {
      out: part,
      signal: stop.signal,
      onProgress: (p) => {
        if (p.done === 3) stop.abort();
      },
    });
    expect(first.status).toBe('interrupted');
    expect(first.iterations).toBe(3);
    expect(fs.existsSync(path.join(part, RUN_FILES.policy))).toBe(false);
    const resumed = await train(sampledMaml(6), { out: part, resume: true });
    expect(resumed.status).toBe('completed');
    const a = fs.readFileSync(path.join(full, RUN_FILES.metrics), 'utf8');
    const b = fs.readFileSync(path.join(part, RUN_FILES.metrics), 'utf8');
    expect(a.split('\n').filter(Boolean)).toHaveLength(6);
    expect(b).toBe(a);
    expect(fs.readFileSync(path.join(part, RUN_FILES.checkpoint), 'utf8')).toBe(
      fs.readFileSync(path.join(full, RUN_FILES.checkpoint), 'utf8'),
    );
  });

  it('keeps the tensor count constant across iterations (no leaks)', async () => {
    const counts = new Map<number, number>();
    await train(
      exactMaml({
        env: {
          family: 'frozen-lake',
          variance: 'high',
          size: 2,
          tasks: { count: 4, seed: 1, trainFraction: 0.5 },
        },
        meta: { optimizer: 'adam', lr: 0.05, iterations: 50, tasksPerBatch: 2 },
        checkpointEvery: 7,
      }),
      { out: dir('leak'), onProgress: (p) => counts.set(p.done, tf.memory().numTensors) },
    );
    expect(counts.get(5)).toBeGreaterThan(0);
    expect(counts.get(50)).toBe(counts.get(5));
  });

  it('MAML-TRPO (exact) keeps every accepted step within max_kl', async () => {
    const out = dir('trpo');
    await train(
      exactMaml({ meta: { optimizer: 'trpo', maxKl: 0.01, iterations: 6, tasksPerBatch: 3 } }),
      { out },
    );
    const rows = new RunDirectory(out).readMetrics();
    expect(rows.filter((r) => r.trpoAccepted === 1).length).toBeGreaterThan(3);
    for (const r of rows) {
      expect(r.trpoKl as number).toBeLessThanOrEqual(0.01);
      if (r.trpoAccepted === 1) expect(r.trpoKl as number).toBeGreaterThan(0.001);
    }
    expect(rows[5]!.objective as number).toBeGreaterThan(rows[0]!.objective as number);
  });

  it('refuses to overwrite a run, to resume without a checkpoint, or a changed config', async () => {
    const out = dir('exact');
    await expect(train(exactMaml(), { out })).rejects.toThrow(/already holds a run/);
    await expect(train(exactMaml(), { out: dir('nothing'), resume: true })).rejects.toThrow(
      /holds no bomrl run to resume/,
    );
    await expect(train(exactMaml({ seed: 5 }), { out, resume: true })).rejects.toThrow(
      /config differs/,
    );
  });

  it('fails on an invalid config before creating anything, naming the field', async () => {
    const out = dir('invalid');
    const bad = { ...exactMaml(), meta: { lr: -1 } };
    await expect(train(bad, { out })).rejects.toBeInstanceOf(ConfigError);
    await expect(train(bad, { out })).rejects.toThrow(/meta\.lr/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('rejects exact mode where no model is known, naming the field', async () => {
    const cfg = exactMaml({
      env: { family: 'navigation-2d', tasks: { count: 4 } },
      policy: { kind: 'gaussian-mlp', hidden: [4] },
    });
    await expect(train(cfg, { out: dir('nav-exact') })).rejects.toThrow(
      /^invalid bomrl config:\n {2}- mode: 'exact'/,
    );
  });
});
