import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/load';
import type { ConfigInput } from '../config/schema';
import { train } from '../loop/train';
import { RUN_FILES } from '../run/run-directory';

// Worker threads load the built entry (dist/worker.js): `pnpm build` runs before `pnpm test`.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bomrl-executor-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const navigation = (method: ConfigInput['method']): ConfigInput => ({
  env: { family: 'navigation-2d', horizon: 12, tasks: { count: 10, seed: 2 } },
  policy: { kind: 'gaussian-mlp', hidden: [8] },
  method,
  meta: { optimizer: 'trpo', iterations: 2, tasksPerBatch: 3, maxKl: 0.05 },
  sampler: { episodesPerTask: 3 },
  backend: 'cpu',
  seed: 4,
});

const cheetah = (method: ConfigInput['method']): ConfigInput => ({
  env: { family: 'half-cheetah-vel', horizon: 10, tasks: { count: 10, seed: 2 } },
  policy: { kind: 'gaussian-mlp', hidden: [16, 16], logStdInit: -0.7 },
  method,
  meta: { optimizer: 'trpo', iterations: 2, tasksPerBatch: 3, maxKl: 0.01 },
  sampler: { episodesPerTask: 2 },
  backend: 'cpu',
  seed: 5,
});

const bomrl: ConfigInput['method'] = {
  kind: 'bomrl',
  alg: 'forward-kl',
  lambda: 0.5,
  hypergradient: 'full',
  solver: { kind: 'adam', lr: 0.001, maxSteps: 5 },
};
const mamlTrpo: ConfigInput['method'] = { kind: 'maml', alpha: 0.1, order: 'second' };

/** Trains `config` with `workers` and returns the run's files that must not depend on them. */
async function run(name: string, config: ConfigInput, workers: number) {
  const out = path.join(tmp, `${name}-${workers}`);
  const result = await train({ ...config, executor: { workers } }, { out });
  expect(result.status).toBe('completed');
  const read = (file: string) => fs.readFileSync(path.join(out, file), 'utf8');
  return { metrics: read(RUN_FILES.metrics), checkpoint: read(RUN_FILES.checkpoint) };
}

describe('executors: the same run in this thread and on 2 worker threads', () => {
  it.each([
    ['navigation-2d BO-MRL', navigation(bomrl)],
    [
      'navigation-2d BO-MRL, linearized line search',
      navigation({ ...bomrl, lineSearch: 'linearized' }),
    ],
    ['navigation-2d MAML-TRPO', navigation(mamlTrpo)],
    ['HalfCheetahVel BO-MRL', cheetah(bomrl)],
    ['HalfCheetahVel MAML-TRPO', cheetah(mamlTrpo)],
  ])('%s: byte-identical metrics and checkpoint', async (name, config) => {
    const local = await run(name, config, 0);
    const pooled = await run(name, config, 2);
    // a run that never moved phi would compare equal trivially
    expect(local.metrics.split('\n').filter(Boolean).length).toBe(2);
    expect(pooled.metrics).toBe(local.metrics);
    expect(pooled.checkpoint).toBe(local.checkpoint);
  });

  it('MAML-TRPO: 1 and 3 workers (other groupings of the Fisher and line-search jobs) match too', async () => {
    // 4 tasks: 3 workers take groups of 2, 1 and 1 tasks; 1 worker takes all 4 in one message
    const config: ConfigInput = {
      ...navigation(mamlTrpo),
      meta: { optimizer: 'trpo', iterations: 2, tasksPerBatch: 4, maxKl: 0.05 },
    };
    const local = await run('maml-groups', config, 0);
    expect((await run('maml-groups', config, 1)).metrics).toBe(local.metrics);
    expect((await run('maml-groups', config, 3)).metrics).toBe(local.metrics);
  });

  it('ProMP and E-MAML sample on the workers with the same episodes', async () => {
    for (const method of [
      { kind: 'promp' },
      { kind: 'e-maml' },
    ] as const satisfies ConfigInput['method'][]) {
      const config: ConfigInput = {
        ...navigation(method),
        meta: {
          optimizer: method.kind === 'promp' ? 'adam' : 'trpo',
          iterations: 2,
          tasksPerBatch: 2,
        },
      };
      const local = await run(method.kind, config, 0);
      const pooled = await run(method.kind, config, 2);
      expect(pooled.metrics).toBe(local.metrics);
    }
  });

  it.each([
    ['BO-MRL', { ...bomrl, solver: { kind: 'adam', lr: 0.001, maxSteps: 3 } }, 50],
    // the trust-region step's Fisher operators and task tensors live in the in-process
    // executor's job cache: freed when the step's pieces are disposed
    ['MAML-TRPO', mamlTrpo, 20],
  ] as const)(
    'keeps the tensor count flat over meta-iterations (%s, trust region, in-process)',
    async (name, method, iterations) => {
      const counts: number[] = [];
      const config: ConfigInput = {
        ...navigation(method),
        env: { family: 'navigation-2d', horizon: 5, tasks: { count: 10, seed: 2 } },
        meta: { optimizer: 'trpo', iterations, tasksPerBatch: 2, lineSearchSteps: 3 },
        sampler: { episodesPerTask: 2 },
        executor: { workers: 0 },
        checkpointEvery: 1000,
      };
      const before = tf.memory().numTensors;
      await train(config, {
        out: path.join(tmp, `leak-${name}`),
        onProgress: () => counts.push(tf.memory().numTensors),
      });
      expect(counts).toHaveLength(iterations);
      // everything an iteration creates is freed before the next: the count never grows
      expect(new Set(counts.slice(1)).size).toBe(1);
      // and the run frees everything (the executor's cache included) when it ends
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('reports each task job and line-search re-solve as it ends (progress within an iteration)', async () => {
    const events: string[] = [];
    await train(
      { ...navigation(bomrl), executor: { workers: 2 } },
      {
        out: path.join(tmp, 'work'),
        onWork: (w) => events.push(`${w.iteration}:${w.phase}:${w.done}/${w.total}`),
      },
    );
    for (const it of [0, 1]) {
      const tasks = events.filter((e) => e.startsWith(`${it}:tasks:`));
      expect(tasks).toEqual([`${it}:tasks:1/3`, `${it}:tasks:2/3`, `${it}:tasks:3/3`]);
    }
    // every line-search candidate that was re-solved reports its 3 tasks
    const search = events.filter((e) => e.includes(':line search:'));
    expect(search.length % 3).toBe(0);
  });

  it('a job that fails on a worker fails the run with its message, after the other jobs settle', async () => {
    // infinite actions: every task's job throws in its worker; the numeric guard names the field
    const config: ConfigInput = {
      ...navigation(mamlTrpo),
      policy: { kind: 'gaussian-mlp', hidden: [8], logStdInit: 1000 },
      executor: { workers: 2 },
    };
    await expect(train(config, { out: path.join(tmp, 'failing') })).rejects.toThrow(
      /policy\.logStdInit/,
    );
  });

  it('names the field when executor.workers is invalid', () => {
    expect(() => resolveConfig({ ...navigation(bomrl), executor: { workers: -1 } })).toThrow(
      /executor\.workers/,
    );
    expect(() =>
      resolveConfig({ ...navigation(bomrl), executor: { workers: 'many' as never } }),
    ).toThrow(/executor\.workers/);
  });
});
