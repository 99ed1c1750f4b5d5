import { relativeError } from '@bomrl/core';
import { FrozenLake } from '@bomrl/envs';
import {
  adaptExact64,
  finiteDifferenceHypergradient64,
  returnAndGradient64,
} from '@bomrl/meta-gradient/testing';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/load';
import { trustRegionStep } from '../optim/trust-region-step';
import { createRunSetup } from '../setup/index';
import { createMamlExactMethod } from './maml-exact';

const family = FrozenLake.family({ variance: 'high', size: 4 });
const tasks = family.sampleTasks(3, 21);
const models = tasks.map((t) => family.make(t).model());
const phi = Float64Array.from({ length: 64 }, (_, i) => Math.fround(0.4 * Math.sin(1.7 * i + 0.3)));
const exact = (order: 'first' | 'second', alpha = 0.5) =>
  createMamlExactMethod({
    model: (t: (typeof tasks)[number]) => family.make(t).model(),
    nStates: 16,
    nActions: 4,
    initLogit: 0.1,
    alpha,
    innerSteps: 1,
    order,
  });

describe('MAML, exact mode', () => {
  it('second order: the meta-gradient matches float64 finite differences (rel. error <= 1e-3)', async () => {
    const m = exact('second');
    const r = await m.step({ phi, tasks, iteration: 0, seed: 0 });
    r.trustRegion?.dispose();
    const truth = finiteDifferenceHypergradient64(models, phi, { kind: 'maml', alpha: 0.5 });
    expect(Math.hypot(...truth)).toBeGreaterThan(1e-2);
    expect(relativeError(r.gradient, truth)).toBeLessThan(1e-3);
    // objective = mean J(theta) with theta from the float64 inner step
    const F = models.reduce(
      (s, md) => s + returnAndGradient64(md, adaptExact64(md, phi, { kind: 'maml', alpha: 0.5 })).J,
      0,
    );
    expect(r.objective).toBeCloseTo(F / 3, 4);
    m.dispose();
  });

  it('first order: the meta-gradient is grad J at the adapted parameters', async () => {
    const m = exact('first');
    const r = await m.step({ phi, tasks, iteration: 0, seed: 0 });
    r.trustRegion?.dispose();
    const expected = new Float64Array(64);
    for (const md of models) {
      const g = returnAndGradient64(md, adaptExact64(md, phi, { kind: 'maml', alpha: 0.5 })).grad;
      g.forEach((x, i) => {
        expected[i]! += x / 3;
      });
    }
    expect(relativeError(r.gradient, expected)).toBeLessThan(1e-3);
    const second = await exact('second').step({ phi, tasks, iteration: 0, seed: 0 });
    second.trustRegion?.dispose();
    expect(relativeError(r.gradient, second.gradient)).toBeGreaterThan(1e-2);
    m.dispose();
  });

  it('adaptRounds takes exact policy-gradient steps that raise J on a held-out task', async () => {
    const m = exact('second', 1);
    const [task] = family.sampleTasks(1, 99);
    const model = family.make(task!).model();
    const init = new Float64Array(64).fill(0.1);
    const params = await m.adaptRounds(init, task!, 3, 0);
    expect(params).toHaveLength(4);
    expect(Array.from(params[0]!)).toEqual(Array.from(init));
    const J = params.map((p) => returnAndGradient64(model, p).J);
    expect(J[1]!).toBeGreaterThan(J[0]!);
    expect(J[3]!).toBeGreaterThan(J[1]!);
    const step1 = adaptExact64(model, init, { kind: 'maml', alpha: 1 });
    expect(relativeError(params[1]!, step1)).toBeLessThan(1e-4);
    m.dispose();
  });
});

describe('MAML, sampled mode', () => {
  const config = (order: 'first' | 'second') =>
    resolveConfig({
      env: {
        family: 'frozen-lake',
        variance: 'high',
        size: 3,
        horizon: 12,
        tasks: { count: 6, seed: 5 },
      },
      policy: { kind: 'tabular-softmax' },
      method: { kind: 'maml', alpha: 0.5, order },
      mode: 'sampled',
      sampler: { episodesPerTask: 16 },
      backend: 'cpu',
    });

  it('second order: the meta-gradient is the derivative of the (fixed-data) meta-surrogate', async () => {
    const setup = await createRunSetup(config('second'));
    const phi0 = Float64Array.from({ length: 36 }, (_, i) => Math.fround(0.3 * Math.cos(i)));
    const r = await setup.method.step({
      phi: phi0,
      tasks: setup.tasks.train.slice(0, 2),
      iteration: 0,
      seed: 4,
    });
    const tr = r.trustRegion!;
    // central differences of S(candidate) - S(phi), which re-runs the inner step from the
    // candidate on the same data: its gradient is exactly what second-order MAML computes
    const h = 1e-2;
    const at = async (x: Float64Array) => await tr.evaluate(x).improvement;
    const fd = new Float64Array(phi0.length);
    for (let i = 0; i < phi0.length; i++) {
      const up = Float64Array.from(phi0);
      const down = Float64Array.from(phi0);
      up[i]! += h;
      down[i]! -= h;
      fd[i] = ((await at(up)) - (await at(down))) / (2 * h);
    }
    expect(Math.hypot(...fd)).toBeGreaterThan(1e-2);
    expect(relativeError(r.gradient, fd)).toBeLessThan(2e-2);
    expect(await tr.evaluate(phi0).improvement).toBe(0);
    tr.dispose();
    await setup.dispose();
  });

  it('MAML-TRPO: the accepted meta-step respects max_kl', async () => {
    const setup = await createRunSetup(config('second'));
    const phi0 = setup.method.initialParams(0);
    const r = await setup.method.step({
      phi: phi0,
      tasks: setup.tasks.train.slice(0, 3),
      iteration: 0,
      seed: 9,
    });
    const tr = r.trustRegion!;
    const v = r.gradient;
    const Fv = await tr.fisherVector(v);
    expect(v.reduce((s, x, i) => s + x * Fv[i]!, 0)).toBeGreaterThan(0);
    const maxKl = 0.01;
    const step = await trustRegionStep(phi0, r.gradient, tr.fisherVector, tr.evaluate, { maxKl });
    expect(step.accepted).toBe(true);
    expect(step.kl).toBeLessThanOrEqual(maxKl);
    expect(step.kl).toBeGreaterThan(maxKl / 20);
    expect(await tr.evaluate(step.params).kl).toBe(step.kl);
    // the bound is active: four times the accepted step would break it (KL grows ~quadratically)
    const far = phi0.map((p, i) => p + 4 * (step.params[i]! - p));
    expect(await tr.evaluate(far).kl).toBeGreaterThan(maxKl);
    tr.dispose();
    await setup.dispose();
  });

  it('first order differs from second order on the same data and seeds', async () => {
    const a = await createRunSetup(config('first'));
    const b = await createRunSetup(config('second'));
    const phi0 = a.method.initialParams(0);
    const input = { phi: phi0, tasks: a.tasks.train.slice(0, 2), iteration: 0, seed: 1 };
    const ra = await a.method.step(input);
    const rb = await b.method.step(input);
    expect(ra.objective).toBe(rb.objective); // same episodes
    expect(relativeError(ra.gradient, rb.gradient)).toBeGreaterThan(1e-3);
    ra.trustRegion?.dispose();
    rb.trustRegion?.dispose();
    await a.dispose();
    await b.dispose();
  });
});
