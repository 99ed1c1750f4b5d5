import { Rng } from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { softmaxTable, TabularSoftmaxPolicy } from './tabular-softmax';
import { derivativeErrors, f32, monteCarloKL, point } from './test-utils/derivatives';
import { tabularRef } from './test-utils/reference64';

const S = 5;
const A = 4;
const policy = new TabularSoftmaxPolicy({ nStates: S, nActions: A });
const states = [0, 1, 2, 3, 4, 2, 0, 4];
const actions = [1, 3, 0, 2, 2, 1, 0, 3];
const phi = point(1, S * A, 0.7);
const theta = Float64Array.from(
  Float32Array.from(phi.map((x, i) => x + 0.5 * point(2, S * A)[i]!)),
);

describe('TabularSoftmaxPolicy', () => {
  it('has an |S| x |A| row-major parameter table', () => {
    expect(policy.paramCount).toBe(20);
    expect(policy.paramShapes).toEqual([[5, 4]]);
    const p = policy.init(0);
    expect(Array.from(p.dataSync())).toEqual(new Array(20).fill(0));
    p.dispose();
    const noisy = new TabularSoftmaxPolicy({
      nStates: S,
      nActions: A,
      initLogit: 0.1,
      initNoise: 0.5,
    });
    const [a, b] = [noisy.init(7), noisy.init(7)];
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([a, b]);
  });

  it('derivatives of logProb, entropy, both KLs and the ratio objective match float64 differences', () => {
    const errors = derivativeErrors({
      policy,
      ref: tabularRef(states, A),
      obs: () => policy.obsTensor(states),
      actions: () => policy.actionTensor(actions),
      actions64: actions,
      phi,
      theta,
    });
    console.info('tabular-softmax relative errors', errors);
    for (const e of Object.values(errors)) expect(e).toBeLessThanOrEqual(1e-3);
  });

  it('probabilities() equals the float64 softmaxTable', () => {
    const probs = policy.probabilities(f32(phi));
    const expected = softmaxTable(phi, S, A);
    const got = probs.dataSync();
    for (let i = 0; i < S * A; i++) expect(got[i]).toBeCloseTo(expected[i]!, 6);
    probs.dispose();
    expect(() => softmaxTable(phi, S, A + 1)).toThrow(`expected nStates*nActions = ${S * (A + 1)}`);
  });

  it('closed-form KL matches a Monte Carlo estimate within 4 standard errors', () => {
    const r = monteCarloKL(policy, phi, theta, [0, 1, 2, 3, 4], 8000, 3);
    console.info('tabular-softmax KL closed form vs MC', r);
    expect(Math.abs(r.estimate - r.closedForm)).toBeLessThanOrEqual(4 * r.standardError);
  });

  it('sampling frequencies match the probabilities (4 standard errors per category)', () => {
    const n = 10_000;
    const obsStates = Array.from({ length: S * n }, (_, i) => i % S);
    const params = f32(phi);
    const obs = policy.obsTensor(obsStates);
    const sampled = policy.sample(params, obs, new Rng(5));
    const probs = softmaxTable(Float32Array.from(phi), S, A);
    const counts = new Float64Array(S * A);
    sampled.forEach((a, i) => {
      counts[(i % S) * A + a]! += 1;
    });
    for (let i = 0; i < S * A; i++) {
      const p = probs[i]!;
      expect(Math.abs(counts[i]! - n * p)).toBeLessThanOrEqual(4 * Math.sqrt(n * p * (1 - p)));
    }
    const mode = policy.mode(params, policy.obsTensor([0, 1, 2, 3, 4]));
    for (let s = 0; s < S; s++) {
      const row = Array.from(probs.subarray(s * A, s * A + A));
      expect(mode[s]).toBe(row.indexOf(Math.max(...row)));
    }
    tf.dispose([params, obs]);
  });

  it('rejects bad observations, actions and parameters with messages naming the shapes', () => {
    const params = policy.init(0);
    const good = policy.obsTensor([0, 1]);
    expect(() => policy.logProb(params, tf.tensor2d([[0, 1]], [1, 2], 'int32'), good)).toThrow(
      /obs \(state indices\) must have shape \[B\], got \[1, 2\]/,
    );
    expect(() => policy.logProb(params, tf.tensor1d([0, 1]), good)).toThrow(
      /dtype int32, got float32/,
    );
    expect(() => policy.logProb(params, tf.tensor1d([0, 5], 'int32'), good)).toThrow(
      /obs\[1\] is 5, expected an integer in \[0, 5\)/,
    );
    expect(() => policy.logProb(params, good, tf.tensor1d([0, 1, 2], 'int32'))).toThrow(
      /actions have batch 3 .* obs have batch 2/,
    );
    expect(() => policy.logProb(tf.zeros([19]) as tf.Tensor1D, good, good)).toThrow(
      /params must have shape \[20\] for a tabular-softmax with nStates 5, nActions 4, got \[19\]/,
    );
    expect(() => policy.obsTensor([0, 1.5])).toThrow(/obs\[1\] is 1.5/);
    expect(() => new TabularSoftmaxPolicy({ nStates: 0, nActions: 2 })).toThrow(
      /nStates must be a positive integer, got 0/,
    );
    tf.dispose([params, good]);
  });
});
