import { FrozenLake } from '@bomrl/envs';
import { TabularSoftmaxPolicy } from '@bomrl/policies';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/load';
import { InProcessSampler } from '../sampling/in-process-sampler';
import { createBomrlSampledMethod, sampledSettings } from './bomrl-sampled';

describe('createBomrlSampledMethod (3x3 Frozen Lake, tabular softmax)', () => {
  const family = FrozenLake.family({ variance: 'high', size: 3, horizon: 12 });
  const model = family.make(family.sampleTasks(1, 3)[0]!).model();
  const tasks = family.sampleTasks(2, 11);
  const policy = new TabularSoftmaxPolicy({
    nStates: model.nStates,
    nActions: 4,
    initLogit: 0.1,
  });
  const config = (hypergradient: 'full' | 'ignore-data', solver = 'adam') =>
    resolveConfig({
      env: { family: 'frozen-lake', size: 3, horizon: 12 },
      policy: { kind: 'tabular-softmax' },
      method: {
        kind: 'bomrl',
        alg: 'forward-kl',
        lambda: 1,
        hypergradient,
        testLambda: 0.5,
        solver: { kind: solver, lr: 0.1, maxSteps: 2000, tol: 1e-6 },
      },
      mode: 'sampled',
      sampler: { episodesPerTask: 10 },
    });
  const phi = Float64Array.from({ length: model.nStates * 4 }, (_, i) => 0.3 * Math.sin(i));

  it('returns a finite meta-gradient, returns, diagnostics and trust-region pieces, without leaks', async () => {
    const sampler = new InProcessSampler(family, policy);
    const method = createBomrlSampledMethod({ policy, sampler, config: config('full') });
    expect(method.name).toBe('bomrl-sampled/forward-kl/full');
    const warm = await method.step({ phi, tasks, iteration: 0, seed: 1 });
    warm.trustRegion?.dispose();
    const before = tf.memory().numTensors;
    const r = await method.step({ phi, tasks, iteration: 1, seed: 2 });
    expect(r.gradient.length).toBe(phi.length);
    expect(r.gradient.every(Number.isFinite)).toBe(true);
    expect(Math.hypot(...r.gradient)).toBeGreaterThan(0);
    expect(Number.isFinite(r.objective) && Number.isFinite(r.preAdaptationReturn)).toBe(true);
    expect(r.diagnostics.maxLowerGradNorm).toBeLessThan(1e-4);
    expect(r.diagnostics.modeCosine).toBeGreaterThan(0);
    expect(r.diagnostics.modeCosine).toBeLessThanOrEqual(1 + 1e-9);
    const tr = r.trustRegion!;
    // the Fisher matrix is symmetric positive semidefinite: u^T F w = w^T F u, u^T F u >= 0
    const u = Float64Array.from(phi, (_, i) => Math.cos(0.7 * i));
    const w = Float64Array.from(phi, (_, i) => Math.sin(1.9 * i));
    const Fu = await tr.fisherVector(u);
    const Fw = await tr.fisherVector(w);
    const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
    expect(dot(w, Fu)).toBeCloseTo(dot(u, Fw), 5);
    expect(dot(u, Fu)).toBeGreaterThan(0);
    const same = tr.evaluate(phi);
    expect(Math.abs(await same.kl)).toBeLessThan(1e-6);
    expect(Math.abs(await same.improvement)).toBeLessThan(1e-4);
    const moved = tr.evaluate(phi.map((x, i) => x + 0.05 * r.gradient[i]!));
    expect(await moved.kl).toBeGreaterThan(0);
    expect(Number.isFinite(await moved.improvement)).toBe(true);
    tr.dispose();
    expect(tf.memory().numTensors).toBe(before);
    sampler.close();
  });

  it("'ignore-data' and 'full' share the lower level and differ only in the hypergradient", async () => {
    const sampler = new InProcessSampler(family, policy);
    const full = createBomrlSampledMethod({ policy, sampler, config: config('full') });
    const ign = createBomrlSampledMethod({ policy, sampler, config: config('ignore-data') });
    const a = await full.step({ phi, tasks, iteration: 0, seed: 3 });
    const b = await ign.step({ phi, tasks, iteration: 0, seed: 3 });
    a.trustRegion?.dispose();
    b.trustRegion?.dispose();
    expect(a.objective).toBe(b.objective);
    expect(a.diagnostics.modeCosine).toBe(b.diagnostics.modeCosine);
    const dot = a.gradient.reduce((s, x, i) => s + x * b.gradient[i]!, 0);
    const cos = dot / (Math.hypot(...a.gradient) * Math.hypot(...b.gradient));
    expect(cos).toBeCloseTo(a.diagnostics.modeCosine!, 1);
    expect(cos).toBeLessThan(1 - 1e-6);
    sampler.close();
  });

  it('adaptRounds returns phi then one adapted policy per round, adapting with the test lambda', async () => {
    const sampler = new InProcessSampler(family, policy);
    const move = async (testLambda: number) => {
      const base = config('full');
      const c = resolveConfig({ ...base, method: { ...base.method, testLambda } });
      const rounds = await createBomrlSampledMethod({ policy, sampler, config: c }).adaptRounds(
        phi,
        tasks[0],
        2,
        5,
      );
      expect(rounds).toHaveLength(3);
      expect(Array.from(rounds[0]!)).toEqual(Array.from(phi));
      expect(rounds.every((r) => r.length === phi.length && r.every(Number.isFinite))).toBe(true);
      return Math.max(...rounds[1]!.map((x, i) => Math.abs(x - phi[i]!)));
    };
    // same seed, same first-round data: a smaller lambda moves further from phi
    const small = await move(0.5);
    const large = await move(4);
    expect(large).toBeGreaterThan(1e-3);
    expect(small).toBeGreaterThan(1.5 * large);
    sampler.close();
  });

  it('method.adjoint bounds the CG adjoint solve and its residual and relative gradient norm reach the metrics', async () => {
    const sampler = new InProcessSampler(family, policy);
    const run = async (iterations: number) => {
      const base = config('full');
      const c = resolveConfig({
        ...base,
        method: { ...base.method, adjoint: { solver: 'cg', iterations, damping: 1e-4 } },
      });
      expect(sampledSettings(c).cg).toEqual({ maxIter: iterations, tol: 1e-8, damping: 1e-4 });
      const r = await createBomrlSampledMethod({ policy, sampler, config: c }).step({
        phi,
        tasks,
        iteration: 0,
        seed: 4,
      });
      r.trustRegion?.dispose();
      return r.diagnostics;
    };
    const two = await run(2);
    const many = await run(60);
    expect(two.meanAdjointProducts).toBeLessThanOrEqual(2);
    // more CG iterations, smaller residual (a 3x3 lake has 36 parameters: 60 products converge)
    expect(many.maxAdjointResidual!).toBeLessThan(two.maxAdjointResidual!);
    // the lower level solved to tol 1e-6 from a start whose gradient is O(0.1)
    expect(two.maxLowerRelGradNorm).toBeGreaterThan(0);
    expect(two.maxLowerRelGradNorm).toBeLessThan(1e-3);
    sampler.close();
  });

  it('rejects what sampled mode does not support, naming the field', () => {
    const sampler = new InProcessSampler(family, policy);
    const constrained = resolveConfig({
      ...config('full'),
      method: { ...config('full').method, delta: 0.1 },
    });
    expect(() => createBomrlSampledMethod({ policy, sampler, config: constrained })).toThrow(
      /method\.delta/,
    );
    expect(() =>
      createBomrlSampledMethod({ policy, sampler, config: config('full', 'closed-form') }),
    ).toThrow(/method\.solver\.kind/);
    sampler.close();
  });
});
