import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { evaluatePolicy, softmaxPolicy, valueIteration } from '@bomrl/envs/tabular';
import { adaptExact64 } from '@bomrl/meta-gradient/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/load';
import { train } from '../loop/train';
import { RUN_FILES } from '../run/run-directory';
import { createRunSetup } from '../setup/index';
import { evaluateMetaPolicy, metaTest } from './meta-test';
import { meanStderr } from './stats';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bomrl-test-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const config = resolveConfig({
  env: {
    family: 'frozen-lake',
    variance: 'high',
    size: 4,
    tasks: { count: 8, seed: 2, trainFraction: 0.5 },
  },
  policy: { kind: 'tabular-softmax', initLogit: 0.1 },
  method: { kind: 'maml', alpha: 5 },
  mode: 'exact',
  meta: { iterations: 3, tasksPerBatch: 2 },
  sampler: { episodesPerTask: 400 },
  metaTest: { rounds: 2, seeds: 2 },
  backend: 'cpu',
});

describe('meanStderr', () => {
  it('is the mean and the sample standard deviation over sqrt(n)', () => {
    const s = meanStderr([1, 2, 3, 6]);
    expect(s.mean).toBe(3);
    expect(s.stderr).toBeCloseTo(Math.sqrt((4 + 1 + 0 + 9) / 3 / 4), 12);
    expect(meanStderr([5]).stderr).toBe(0);
  });
});

describe('evaluateMetaPolicy', () => {
  it('reports exact J, J* and the gap per round over held-out tasks x seeds', async () => {
    const setup = await createRunSetup(config);
    const phi = new Float64Array(64).fill(0.1);
    const res = await evaluateMetaPolicy(setup, phi, { rounds: 2, seeds: 2, tasks: 3 });
    expect(res.rounds).toHaveLength(3);
    expect(res.tasks).toBe(3);
    const models = setup.tasks.test.slice(0, 3).map((t) => setup.tasks.model!(t));
    const J = (p: Float64Array, m: (typeof models)[number]) =>
      evaluatePolicy(m, softmaxPolicy(p, p.length / 4, 4), { mode: 'finite' }).J;
    const jStar = models.map((m) => valueIteration(m, { mode: 'finite' }).J);
    const round0 = models.map((m) => J(phi, m));
    const round1 = models.map((m) => J(adaptExact64(m, phi, { kind: 'maml', alpha: 5 }), m));
    const r0 = res.rounds[0]!;
    const r1 = res.rounds[1]!;
    expect(r0.exactReturn!.n).toBe(6); // 3 tasks x 2 seeds
    expect(r0.exactReturn!.mean).toBeCloseTo(round0.reduce((s, x) => s + x, 0) / 3, 10);
    expect(r1.exactReturn!.mean).toBeCloseTo(round1.reduce((s, x) => s + x, 0) / 3, 4);
    expect(r0.optimalReturn).toBeCloseTo(jStar.reduce((s, x) => s + x, 0) / 3, 10);
    expect(r1.optimalityGap!.mean).toBeCloseTo(r1.optimalReturn! - r1.exactReturn!.mean, 10);
    expect(r1.exactReturn!.mean).toBeGreaterThan(r0.exactReturn!.mean);
    // 400 fresh episodes per task: the sampled discounted return estimates the exact J
    expect(Math.abs(r0.discountedReturn.mean - r0.exactReturn!.mean)).toBeLessThan(0.05);
    await setup.dispose();
  });
});

describe('metaTest', () => {
  it('evaluates a finished run from its directory and writes results.json', async () => {
    const out = path.join(tmp, 'run');
    await train(config, { out });
    const res = await metaTest(out, { tasks: 2, rounds: 1, seeds: 1, episodes: 20 });
    const saved = JSON.parse(fs.readFileSync(path.join(out, RUN_FILES.results), 'utf8'));
    expect(saved).toEqual(JSON.parse(JSON.stringify(res)));
    expect(saved.rounds).toHaveLength(2);
    expect(saved.episodesPerTask).toBe(20);
    expect(saved.method).toBe('maml-exact/second-order');
  });
});
