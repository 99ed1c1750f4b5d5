import { gradient, Rng } from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { GaussianMLPPolicy } from './gaussian-mlp';
import {
  type DerivativeCase,
  derivativeErrors,
  f32,
  monteCarloKL,
  point,
  uncorrectedForwardKLError,
} from './test-utils/derivatives';
import { HIDDEN, nearbyPoint, OBS, referenceObs, repeatFirstRow } from './test-utils/mlp-case';
import { gaussianMlpRef } from './test-utils/reference64';

const D = 2;
const B = 7;
const obsRows = point(41, B * OBS, 1.2, -0.2);
const actions64 = point(42, B * D, 0.8, 0.1);

/** Sets the trailing log-std entries of a parameter point. */
function withLogStd(p: Float64Array, logStd: number[]): Float64Array {
  const out = Float64Array.from(p);
  out.set(Float32Array.from(logStd), p.length - logStd.length);
  return out;
}

function makeCase(options: { normalized?: boolean; minStd?: number; clampedTheta?: boolean } = {}) {
  const policy = new GaussianMLPPolicy({
    obsDim: OBS,
    actDim: D,
    hidden: HIDDEN,
    logStdInit: -0.7,
    minStd: options.minStd ?? 1e-6,
    normalizer: options.normalized ?? false,
  });
  const obs64 = referenceObs(policy, obsRows, point(50, 40 * OBS, 2, 1));
  const phi = withLogStd(point(1, policy.paramCount, 0.6), [-0.4, -0.9]);
  const theta = withLogStd(nearbyPoint(phi), options.clampedTheta ? [-0.6, -3] : [-0.6, -0.5]);
  const c: DerivativeCase = {
    policy,
    ref: gaussianMlpRef(obs64, OBS, HIDDEN, D, policy.config.minStd),
    obs: () => policy.obsTensor(obsRows),
    actions: () => policy.actionTensor(actions64),
    actions64,
    phi,
    theta,
  };
  return { policy, c };
}

describe('GaussianMLPPolicy', () => {
  it('puts the state-independent log-std after the mean MLP, initialized to logStdInit', () => {
    const policy = new GaussianMLPPolicy({
      obsDim: 17,
      actDim: 6,
      hidden: [64, 64],
      logStdInit: -0.7,
    });
    expect(policy.paramCount).toBe(17 * 64 + 64 + 64 * 64 + 64 + 64 * 6 + 6 + 6);
    expect(policy.paramShapes.at(-1)).toEqual([6]);
    const p = policy.init(0);
    expect(Array.from(p.dataSync().subarray(-6))).toEqual(new Array(6).fill(Math.fround(-0.7)));
    p.dispose();
  });

  for (const normalized of [false, true]) {
    it(`derivatives match float64 central differences (${normalized ? 'with' : 'without'} normalizer)`, () => {
      const { c } = makeCase({ normalized });
      const errors = derivativeErrors(c);
      console.info(`gaussian-mlp (normalizer ${normalized}) relative errors`, errors);
      for (const e of Object.values(errors)) expect(e).toBeLessThanOrEqual(1e-3);
      if (!normalized) expect(uncorrectedForwardKLError(c)).toBeGreaterThan(1e-2);
    });
  }

  it('the minStd clamp: derivatives still match, and a clamped log-std gets zero gradient', () => {
    const { policy, c } = makeCase({ minStd: Math.exp(-2), clampedTheta: true });
    const errors = derivativeErrors(c);
    console.info('gaussian-mlp (log-std clamped at -2) relative errors', errors);
    for (const e of Object.values(errors)) expect(e).toBeLessThanOrEqual(1e-3);
    const obs = c.obs();
    const acts = c.actions();
    const g = tf.tidy(() => gradient((x) => tf.sum(policy.logProb(x, obs, acts)), f32(c.theta)));
    const gv = g.dataSync();
    expect(gv[gv.length - 1]).toBe(0);
    expect(gv[gv.length - 2]).not.toBe(0);
    tf.dispose([g, obs, acts]);
  });

  it('closed-form KL matches a Monte Carlo estimate within 4 standard errors', () => {
    const { policy, c } = makeCase();
    const r = monteCarloKL(policy, c.phi, c.theta, obsRows, 5000, 11);
    console.info('gaussian-mlp KL closed form vs MC', r);
    expect(Math.abs(r.estimate - r.closedForm)).toBeLessThanOrEqual(4 * r.standardError);
  });

  it('samples have the policy mean and std (4 standard errors), and mode is the mean', () => {
    const { policy, c } = makeCase();
    const n = 20_000;
    const params = f32(c.phi);
    const one = policy.obsTensor(obsRows.subarray(0, OBS));
    const mean = policy.mode(params, one);
    const std = [Math.exp(Math.fround(-0.4)), Math.exp(Math.fround(-0.9))];
    const many = policy.obsTensor(repeatFirstRow(obsRows, OBS, n));
    const x = policy.sample(params, many, new Rng(13));
    for (let d = 0; d < D; d++) {
      let s = 0;
      let ss = 0;
      for (let i = 0; i < n; i++) s += x[i * D + d]!;
      const m = s / n;
      for (let i = 0; i < n; i++) ss += (x[i * D + d]! - m) ** 2;
      const sd = Math.sqrt(ss / (n - 1));
      expect(Math.abs(m - mean[d]!)).toBeLessThanOrEqual((4 * std[d]!) / Math.sqrt(n));
      // SE of the sample std of a normal is about std / sqrt(2n)
      expect(Math.abs(sd - std[d]!)).toBeLessThanOrEqual((4 * std[d]!) / Math.sqrt(2 * n));
    }
    tf.dispose([params, one, many]);
  });

  it('entropy is sum(logStd) + D log(2 pi e) / 2 for every state', () => {
    const { policy, c } = makeCase();
    const obs = c.obs();
    const h = policy.entropy(f32(c.phi), obs);
    const expected = Math.fround(-0.4) + Math.fround(-0.9) + Math.log(2 * Math.PI * Math.E);
    for (const v of h.dataSync()) expect(v).toBeCloseTo(expected, 5);
    tf.dispose([h, obs]);
  });

  it('rejects mismatched shapes and inconsistent options', () => {
    const { policy } = makeCase();
    const params = policy.init(0);
    const obs = policy.obsTensor(obsRows);
    expect(() => policy.logProb(params, obs, tf.zeros([B, 3]))).toThrow(
      /actions must have shape \[B, 2\], got \[7, 3\]/,
    );
    expect(() => policy.logProb(params, obs, tf.zeros([B + 1, 2]))).toThrow(/actions have batch 8/);
    expect(() => policy.logProb(params, tf.zeros([B]), tf.zeros([B, 2]))).toThrow(
      /obs must have shape \[B, 3\], got \[7\]/,
    );
    expect(
      () => new GaussianMLPPolicy({ obsDim: 3, actDim: 2, logStdInit: -20, minStd: 1e-6 }),
    ).toThrow(/logStdInit -20 gives std .* below minStd 0.000001/);
    tf.dispose([params, obs]);
  });
});
