import { FrozenLake } from '@bomrl/envs';
import { returnAndGradient64 } from '@bomrl/meta-gradient/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { FirstOrderOptimizer } from '../optim/first-order';
import { trustRegionStep } from '../optim/trust-region-step';
import { createBomrlExactMethod } from './bomrl-exact';

const family = FrozenLake.family({ variance: 'high', size: 4 });
const tasks = family.sampleTasks(4, 21);
const model = (task: (typeof tasks)[number]) => family.make(task).model();

function method(distance: 'forward-kl' | 'reverse-kl' | 'l2', lambda: number) {
  return createBomrlExactMethod({
    model,
    nStates: 16,
    nActions: 4,
    spec: { distance, lambda, hypergradient: 'full' },
    initLogit: 0.1,
  });
}

describe('exact-mode BO-MRL method', () => {
  it('meta-training with Adam raises the exact meta-objective F(phi)', async () => {
    const m = method('reverse-kl', 2);
    let phi = m.initialParams(0);
    const opt = new FirstOrderOptimizer({ kind: 'adam', lr: 0.1 });
    const objectives: number[] = [];
    for (let it = 0; it < 12; it++) {
      const r = await m.step({ phi, tasks, iteration: it, seed: it });
      r.trustRegion?.dispose();
      objectives.push(r.objective);
      phi = opt.ascend(phi, r.gradient);
    }
    m.dispose();
    expect(objectives.at(-1)!).toBeGreaterThan(objectives[0]! + 0.1);
  });

  it('adaptation rounds at meta-test raise the exact return on a held-out task', async () => {
    const m = method('forward-kl', 1);
    const [heldOut] = family.sampleTasks(1, 99);
    const rounds = await m.adaptRounds(m.initialParams(0), heldOut!, 3, 0);
    m.dispose();
    const J = rounds.map((p) => returnAndGradient64(model(heldOut!), p).J);
    expect(rounds).toHaveLength(4);
    for (let k = 1; k < J.length; k++) expect(J[k]!).toBeGreaterThan(J[k - 1]!);
  });

  it("the natural-gradient meta-step's accepted KL never exceeds max_kl", async () => {
    // a shift-invariant distance: the KL metric cannot see per-state logit shifts, so an l2
    // meta-gradient (not orthogonal to them) would be amplified along them by the Fisher solve
    const m = method('reverse-kl', 2);
    const phi = m.initialParams(0);
    const r = await m.step({ phi, tasks, iteration: 0, seed: 0 });
    const tr = r.trustRegion!;
    const step = await trustRegionStep(
      phi,
      r.gradient,
      (v) => tr.fisherVector(v),
      (c) => tr.evaluate(c),
      { maxKl: 0.01 },
    );
    tr.dispose();
    m.dispose();
    expect(step.accepted).toBe(true);
    expect(step.kl).toBeLessThanOrEqual(0.01);
    expect(step.kl).toBeGreaterThan(0.001);
    expect(step.improvement).toBeGreaterThan(0);
  });

  it('holds no tensors between iterations', async () => {
    const m = method('forward-kl', 1.5);
    const phi = m.initialParams(0);
    (await m.step({ phi, tasks, iteration: 0, seed: 0 })).trustRegion?.dispose();
    const before = tf.memory().numTensors;
    for (let i = 1; i < 3; i++)
      (await m.step({ phi, tasks, iteration: i, seed: i })).trustRegion?.dispose();
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});
