import { centralGradient, relativeError } from '@bomrl/core';
import { softmaxPolicy } from '@bomrl/envs/tabular';
import { frozenLakeTask } from '@bomrl/meta-gradient/testing';
import { TabularSoftmaxPolicy } from '@bomrl/policies';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/load';
import { createMetaUpdater } from '../loop/meta-update';
import { InProcessSampler } from '../sampling/in-process-sampler';
import type { Episode } from '../sampling/sampler';
import { explorationCoefficients, explorationTerm } from './e-maml-objectives';
import { createEmamlSampledMethod } from './e-maml-sampled';
import { createMamlSampledMethod } from './maml-sampled';
import { createPrompSampledMethod } from './promp-sampled';

const { family, model } = frozenLakeTask(3, 12, 3);
const tasks = family.sampleTasks(2, 11);
const policy = new TabularSoftmaxPolicy({
  numStates: model.nStates,
  numActions: 4,
  initLogit: 0.1,
});
const phi = Float64Array.from({ length: model.nStates * 4 }, (_, i) => 0.3 * Math.sin(i));
const advantages = { gamma: model.gamma, gaeLambda: 1, normalize: true };
const prompOptions = {
  alpha: 0.5,
  clipEps: 0.3,
  klCoef: 5e-4,
  adaptiveKl: true,
  klTarget: 0.01,
  gradientSteps: 5,
  episodesPerTask: 10,
  advantages,
};
const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('E-MAML exploration term', () => {
  it('coefficients: every post-update reward standardized over the meta-batch, then averaged per task', () => {
    const episode = (rewards: number[]): Episode => ({
      observations: new Float32Array(rewards.length),
      actions: new Float32Array(rewards.length),
      rewards: Float32Array.from(rewards),
      obsDim: 1,
      actionSize: 1,
      terminated: false,
    });
    const c = explorationCoefficients([[episode([1, 2])], [episode([3, 4]), episode([5, 6])]]);
    // all six rewards 1..6: mean 3.5, population std sqrt(35/12)
    const std = Math.sqrt(35 / 12);
    expect(c[0]).toBeCloseTo((1.5 - 3.5) / std, 6);
    expect(c[1]).toBeCloseTo((4.5 - 3.5) / std, 6);
    // one task alone: its standardized rewards average to 0, so the term vanishes
    expect(explorationCoefficients([[episode([1, 2, 7])]])[0]).toBeCloseTo(0, 12);
  });

  it('its tfjs gradient matches float64 central differences of c * mean log pi', () => {
    const states = [0, 1, 2, 4, 4, 7];
    const actions = [1, 3, 0, 2, 2, 1];
    const c = -0.8;
    const f64 = (x: Float64Array) => {
      const pi = softmaxPolicy(x, x.length / 4, 4);
      return (c * states.reduce((s, st, i) => s + Math.log(pi[st * 4 + actions[i]!]!), 0)) / 6;
    };
    const x = tf.tensor1d(Float32Array.from(phi));
    const obs = policy.obsTensor(Float32Array.from(states));
    const act = policy.actionTensor(Float32Array.from(actions));
    const g = tf.grad((p) => explorationTerm(policy, p as Tensor1D, obs, act, c))(x);
    const ours = Float64Array.from(g.dataSync());
    tf.dispose([x, obs, act, g]);
    // float32 tfjs vs float64 FD (h = 1e-6, error ~1e-10): 1e-4 covers float32 rounding
    expect(relativeError(ours, centralGradient(f64, phi))).toBeLessThan(1e-4);
  });
});

describe('createEmamlSampledMethod (3x3 Frozen Lake, tabular softmax)', () => {
  it('is MAML-TRPO plus the exploration gradient: equal to MAML on a one-task batch, different on two', async () => {
    const sampler = new InProcessSampler(family, policy);
    const emaml = createEmamlSampledMethod({
      policy,
      sampler,
      alpha: 0.5,
      episodesPerTask: 10,
      advantages,
    });
    const maml = createMamlSampledMethod({
      policy,
      sampler,
      alpha: 0.5,
      innerSteps: 1,
      order: 'second',
      episodesPerTask: 10,
      advantages,
    });
    const one = [tasks[0]!];
    const e1 = await emaml.step({ phi, tasks: one, iteration: 0, seed: 3 });
    const m1 = await maml.step({ phi, tasks: one, iteration: 0, seed: 3 });
    expect(e1.diagnostics.meanAbsExplorationCoefficient).toBeCloseTo(0, 6);
    expect(relativeError(e1.gradient, m1.gradient)).toBeLessThan(1e-5);
    expect(e1.objective).toBe(m1.objective);
    const e2 = await emaml.step({ phi, tasks, iteration: 0, seed: 3 });
    const m2 = await maml.step({ phi, tasks, iteration: 0, seed: 3 });
    expect(e2.diagnostics.meanAbsExplorationCoefficient).toBeGreaterThan(1e-3);
    expect(relativeError(e2.gradient, m2.gradient)).toBeGreaterThan(1e-3);
    for (const r of [e1, m1, e2, m2]) r.trustRegion?.dispose();
    sampler.close();
  }, 120_000);

  it('takes TRPO meta-steps within the KL bound without leaking tensors', async () => {
    const sampler = new InProcessSampler(family, policy);
    const method = createEmamlSampledMethod({
      policy,
      sampler,
      alpha: 0.5,
      episodesPerTask: 10,
      advantages,
    });
    const config = resolveConfig({
      env: { family: 'frozen-lake', size: 3, horizon: 12 },
      policy: { kind: 'tabular-softmax' },
      method: { kind: 'e-maml' },
      meta: { optimizer: 'trpo', maxKl: 0.01 },
    });
    const updater = createMetaUpdater(config.meta, method.name);
    let current: Float64Array = phi;
    const run = async (it: number) => {
      const r = await method.step({ phi: current, tasks, iteration: it, seed: it });
      try {
        const u = await updater.update(current, r);
        current = u.phi;
        return u.metrics;
      } finally {
        r.trustRegion?.dispose();
      }
    };
    await run(0);
    const before = tf.memory().numTensors;
    for (let it = 1; it < 4; it++) {
      const m = await run(it);
      expect(m.trpoKl).toBeLessThanOrEqual(0.01 + 1e-9);
    }
    expect(tf.memory().numTensors).toBe(before);
    sampler.close();
  }, 120_000);
});

describe('createPrompSampledMethod (3x3 Frozen Lake, tabular softmax)', () => {
  it('first gradient is the meta-objective gradient at phi; the updater takes gradientSteps Adam steps; no leaks', async () => {
    const sampler = new InProcessSampler(family, policy);
    const method = createPrompSampledMethod({ policy, sampler, ...prompOptions });
    expect(method.name).toBe('promp-sampled');
    const config = resolveConfig({
      env: { family: 'frozen-lake', size: 3, horizon: 12 },
      policy: { kind: 'tabular-softmax' },
      method: { kind: 'promp' },
      meta: { optimizer: 'adam', lr: 0.01 },
    });
    const warm = await method.step({ phi, tasks, iteration: 0, seed: 1 });
    // at phi_old every ratio is 1 and the KL is 0 with zero gradient, so the gradient at phi
    // equals the same batch's gradientAt(phi)
    const again = warm.sameBatch!.gradientAt(phi);
    expect(relativeError(again, warm.gradient)).toBeLessThan(1e-6);
    expect(Math.hypot(...warm.gradient)).toBeGreaterThan(0);
    // the gradient at phi is the MAML second-order (LVC) meta-gradient direction: an ascent
    // direction of the batch's own surrogate along which a small step helps
    const step = warm.gradient.map((g) => g * 1e-2);
    const moved = warm.sameBatch!.gradientAt(phi.map((p, i) => p + step[i]!));
    expect(dot(moved, warm.gradient)).toBeGreaterThan(0);
    warm.sameBatch!.dispose();

    const updater = createMetaUpdater(config.meta, method.name);
    let current: Float64Array = phi;
    const calls: number[] = [];
    const before = tf.memory().numTensors;
    for (let it = 1; it < 4; it++) {
      const r = await method.step({ phi: current, tasks, iteration: it, seed: it });
      const batch = r.sameBatch!;
      const counted = {
        ...batch,
        steps: batch.steps,
        gradientAt: (p: Float64Array) => {
          calls.push(it);
          return batch.gradientAt(p);
        },
        finish: batch.finish,
        dispose: batch.dispose,
      };
      const u = await updater.update(current, { ...r, sameBatch: counted });
      expect(u.metrics.prompInnerKl).toBeGreaterThan(0);
      expect(Number.isFinite(u.metrics.prompKlCoef)).toBe(true);
      current = u.phi;
    }
    // 5 steps per batch: the returned gradient, then 4 more evaluated on the same batch
    expect(calls).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
    expect(tf.memory().numTensors).toBe(before);
    // adaptRounds: LVC steps = REINFORCE steps from the current policy
    const rounds = await method.adaptRounds(current, tasks[0]!, 2, 9);
    expect(rounds).toHaveLength(3);
    expect(tf.memory().numTensors).toBe(before);
    sampler.close();
  }, 120_000);
});
