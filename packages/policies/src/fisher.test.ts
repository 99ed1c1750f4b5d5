import { centralHessianVectorProduct, hessianVectorProduct, relativeError } from '@bomrl/core';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CategoricalMLPPolicy } from './categorical-mlp';
import { GaussianMLPPolicy } from './gaussian-mlp';
import type { Policy } from './policy';
import { f32, point } from './test-utils/derivatives';
import { HIDDEN, OBS, referenceObs } from './test-utils/mlp-case';
import {
  categoricalMlpRef,
  gaussianMlpRef,
  kl64,
  type PolicyRef64,
} from './test-utils/reference64';

/*
 * The analytic Fisher operator against (1) float64 central differences of the weighted KL
 * sum_i w_i KL(pi_phi(.|s_i) || pi_x(.|s_i)) at x = phi, computed from the plain-TypeScript
 * reference policies, and (2) the double-backprop Hessian-vector product it replaces.
 */

const B = 9;
const obsRows = point(61, B * OBS, 1.1, 0.3);
const rowW = Float64Array.from(Float32Array.from(point(62, B, 0.5, 1).map(Math.abs)));

interface FisherCase {
  readonly policy: Policy;
  readonly ref: PolicyRef64;
  readonly phi: Float64Array;
}

function gaussianCase(options: { normalized?: boolean; clamped?: boolean } = {}): FisherCase {
  const minStd = options.clamped ? Math.exp(-2) : 1e-6;
  const policy = new GaussianMLPPolicy({
    obsDim: OBS,
    actDim: 2,
    hidden: HIDDEN,
    minStd,
    normalizer: options.normalized ? { clip: 2 } : false,
  });
  const obs64 = referenceObs(policy, obsRows, point(63, 30 * OBS, 0.8, -0.4));
  const phi = point(1, policy.paramCount, 0.6);
  // log-stds: one free, one held at the clamp when `clamped` (its Fisher row must vanish)
  phi.set(Float32Array.from([-0.4, options.clamped ? -3 : -0.9]), phi.length - 2);
  return { policy, ref: gaussianMlpRef(obs64, OBS, HIDDEN, 2, minStd), phi };
}

function categoricalCase(normalized: boolean): FisherCase {
  const policy = new CategoricalMLPPolicy({
    obsDim: OBS,
    numActions: 4,
    hidden: HIDDEN,
    normalizer: normalized ? { clip: 2 } : false,
  });
  const obs64 = referenceObs(policy, obsRows, point(64, 30 * OBS, 0.7, 0.5));
  return {
    policy,
    ref: categoricalMlpRef(obs64, OBS, HIDDEN, 4),
    phi: point(1, policy.paramCount, 0.9),
  };
}

/** Relative errors of the operator vs float64 central differences and vs double backprop. */
function fisherErrors(c: FisherCase, weighted: boolean) {
  const { policy, ref, phi } = c;
  const v = point(70, policy.paramCount);
  const w = weighted ? rowW : new Float64Array(B).fill(1 / B);
  const refPhi = ref(phi);
  const weightedKl = (x: Float64Array) =>
    kl64(refPhi, ref(x)).reduce((s, k, i) => s + w[i]! * k, 0);
  const expected = centralHessianVectorProduct(weightedKl, phi, v);
  const obs = policy.obsTensor(obsRows);
  const params = f32(phi);
  const old = f32(phi);
  const wT = f32(w);
  const fisher = policy.fisher!(params, obs, weighted ? wT : undefined);
  try {
    const applied = fisher.apply(f32(v));
    const analytic = Float64Array.from(applied.dataSync());
    applied.dispose();
    const hv = tf.tidy(() =>
      hessianVectorProduct(
        (x: Tensor1D) => tf.sum(tf.mul(wT, policy.kl(old, x, obs))),
        params,
        f32(v),
      ),
    );
    const doubleBackprop = Float64Array.from(hv.dataSync());
    hv.dispose();
    return {
      analytic,
      vsFiniteDifferences: relativeError(analytic, expected),
      vsDoubleBackprop: relativeError(analytic, doubleBackprop),
    };
  } finally {
    fisher.dispose();
    tf.dispose([obs, params, old, wT]);
  }
}

// Float32 products of O(1) numbers vs float64 differences with h = 1e-4 (error ~1e-8): what is
// left is float32 rounding, ~1e-6 relative; 1e-4 leaves room for accumulation over the layers.
const TOL = 1e-4;

describe('Policy.fisher (analytic Fisher-vector products)', () => {
  for (const normalized of [false, true]) {
    for (const weighted of [false, true]) {
      it(`gaussian-mlp matches float64 differences (normalizer ${normalized}, weights ${weighted})`, () => {
        const e = fisherErrors(gaussianCase({ normalized }), weighted);
        expect(e.vsFiniteDifferences).toBeLessThanOrEqual(TOL);
        expect(e.vsDoubleBackprop).toBeLessThanOrEqual(TOL);
      });
      it(`categorical-mlp matches float64 differences (normalizer ${normalized}, weights ${weighted})`, () => {
        const e = fisherErrors(categoricalCase(normalized), weighted);
        expect(e.vsFiniteDifferences).toBeLessThanOrEqual(TOL);
        expect(e.vsDoubleBackprop).toBeLessThanOrEqual(TOL);
      });
    }
  }

  it('gaussian-mlp: a log-std held at the minStd clamp has a zero Fisher row', () => {
    const e = fisherErrors(gaussianCase({ clamped: true }), true);
    expect(e.vsFiniteDifferences).toBeLessThanOrEqual(TOL);
    expect(e.analytic[e.analytic.length - 1]).toBe(0);
    expect(e.analytic[e.analytic.length - 2]).not.toBe(0);
  });

  it('leaks no tensors across products and frees its cache on dispose', () => {
    const { policy, phi } = gaussianCase();
    const obs = policy.obsTensor(obsRows);
    const params = f32(phi);
    const before = tf.memory().numTensors;
    const fisher = policy.fisher!(params, obs);
    const cached = tf.memory().numTensors;
    for (let k = 0; k < 5; k++) {
      const v = f32(point(80 + k, policy.paramCount));
      fisher.apply(v).dispose();
      v.dispose();
      expect(tf.memory().numTensors).toBe(cached);
    }
    fisher.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([obs, params]);
  });

  it('names the field when the weights do not match the batch', () => {
    const { policy, phi } = gaussianCase();
    const obs = policy.obsTensor(obsRows);
    const params = f32(phi);
    const w = tf.ones([B + 1]) as Tensor1D;
    expect(() => policy.fisher!(params, obs, w)).toThrow(/weights must have shape \[9\]/);
    tf.dispose([obs, params, w]);
  });
});
