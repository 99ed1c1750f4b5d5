import { Rng } from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CategoricalMLPPolicy } from './categorical-mlp';
import {
  type DerivativeCase,
  derivativeErrors,
  f32,
  monteCarloKL,
  point,
  uncorrectedForwardKLError,
} from './test-utils/derivatives';
import { HIDDEN, nearbyPoint, OBS, referenceObs, repeatFirstRow } from './test-utils/mlp-case';
import { categoricalMlpRef } from './test-utils/reference64';

const A = 4;
const B = 8;
const obsRows = point(21, B * OBS, 1.5, 0.3);
const actions = Array.from({ length: B }, (_, i) => (i * 3) % A);

function makeCase(normalized: boolean): DerivativeCase {
  const policy = new CategoricalMLPPolicy({
    obsDim: OBS,
    nActions: A,
    hidden: HIDDEN,
    normalizer: normalized ? { clip: 2 } : false,
  });
  // Statistics that shift, scale and clip: the reference applies them in float64.
  const obs64 = referenceObs(policy, obsRows, point(30, 50 * OBS, 0.7, 0.5));
  const phi = point(1, policy.paramCount, 0.6);
  return {
    policy,
    ref: categoricalMlpRef(obs64, OBS, HIDDEN, A),
    obs: () => policy.obsTensor(obsRows),
    actions: () => policy.actionTensor(actions),
    actions64: actions,
    phi,
    theta: nearbyPoint(phi),
  };
}

describe('CategoricalMLPPolicy', () => {
  it('lays out weights [in, out] and biases per layer and initializes deterministically', () => {
    const policy = new CategoricalMLPPolicy({ obsDim: OBS, nActions: A, hidden: HIDDEN });
    expect(policy.paramShapes).toEqual([[3, 5], [5], [5, 5], [5], [5, 4], [4]]);
    expect(policy.paramCount).toBe(15 + 5 + 25 + 5 + 20 + 4);
    const [a, b, c] = [policy.init(3), policy.init(3), policy.init(4)];
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    // Glorot-uniform bound sqrt(6 / (3 + 5)) on the first layer, output layer scaled by 0.01
    const values = a.dataSync();
    expect(Math.max(...values.subarray(0, 15).map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 8));
    expect(Math.max(...values.subarray(50, 70).map(Math.abs))).toBeLessThanOrEqual(
      0.01 * Math.sqrt(6 / 9),
    );
    expect(Array.from(values.subarray(15, 20))).toEqual([0, 0, 0, 0, 0]);
    tf.dispose([a, b, c]);
  });

  for (const normalized of [false, true]) {
    it(`derivatives match float64 central differences (${normalized ? 'with' : 'without'} normalizer)`, () => {
      const c = makeCase(normalized);
      const errors = derivativeErrors(c);
      console.info(`categorical-mlp (normalizer ${normalized}) relative errors`, errors);
      for (const e of Object.values(errors)) expect(e).toBeLessThanOrEqual(1e-3);
      if (!normalized) expect(uncorrectedForwardKLError(c)).toBeGreaterThan(1e-2);
    });
  }

  it('closed-form KL matches a Monte Carlo estimate within 4 standard errors', () => {
    const c = makeCase(false);
    const r = monteCarloKL(c.policy, c.phi, c.theta, obsRows, 5000, 7);
    console.info('categorical-mlp KL closed form vs MC', r);
    expect(Math.abs(r.estimate - r.closedForm)).toBeLessThanOrEqual(4 * r.standardError);
  });

  it('sampling frequencies match the probabilities (4 standard errors per category)', () => {
    const c = makeCase(false);
    const n = 20_000;
    const params = f32(c.phi);
    const oneObs = c.policy.obsTensor(obsRows.subarray(0, OBS));
    const logits = (c.policy as CategoricalMLPPolicy).logits(params, oneObs);
    const probs = Array.from(tf.tidy(() => tf.softmax(logits)).dataSync());
    const many = c.policy.obsTensor(repeatFirstRow(obsRows, OBS, n));
    const sampled = c.policy.sample(params, many, new Rng(9));
    const counts = new Array(A).fill(0);
    for (const a of sampled) counts[a] += 1;
    probs.forEach((p, a) => {
      expect(Math.abs(counts[a] - n * p)).toBeLessThanOrEqual(4 * Math.sqrt(n * p * (1 - p)));
    });
    expect(c.policy.mode(params, oneObs)[0]).toBe(probs.indexOf(Math.max(...probs)));
    tf.dispose([params, oneObs, logits, many]);
  });

  it('rejects mismatched observations and actions with expected vs got shapes', () => {
    const policy = new CategoricalMLPPolicy({ obsDim: OBS, nActions: A, hidden: HIDDEN });
    const params = policy.init(0);
    const obs = tf.zeros([2, 4]);
    const acts = policy.actionTensor([0, 1]);
    expect(() => policy.logProb(params, obs, acts)).toThrow(
      /CategoricalMLPPolicy: obs must have shape \[B, 3\], got \[2, 4\]/,
    );
    expect(() => policy.logProb(params, tf.zeros([2, 3]), tf.zeros([2]))).toThrow(
      /actions must have dtype int32, got float32/,
    );
    expect(() => policy.logProb(params, tf.zeros([2, 3]), tf.tensor1d([0, 4], 'int32'))).toThrow(
      /actions\[1\] is 4, expected an integer in \[0, 4\)/,
    );
    expect(() => policy.obsTensor([1, 2, 3, 4])).toThrow(
      /4 numbers is not a whole number of rows of 3/,
    );
    expect(() => new CategoricalMLPPolicy({ obsDim: 3, nActions: 2, hidden: [4, 0] })).toThrow(
      /hidden must be an array of positive integers/,
    );
    tf.dispose([params, obs, acts]);
  });
});
