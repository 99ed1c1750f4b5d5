import { Rng } from '@bomrl/envs';
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { hessianVectorProduct } from '../autodiff';
import { centralHessianVectorProduct, type Float64Fn, relativeError } from '../finite-differences';
import { unpackParams } from '../flat-params';
import { logSoftmax } from '../ops/log-softmax';
import { secondOrderGradientsActive, withUncorrectedGradients } from './registration';

/*
 * Every Hessian-vector product below is checked against central finite differences of a float64
 * plain-TypeScript reference of the same function. Tolerance 1e-3 relative: float32 double
 * backprop on these O(1)-scaled problems is accurate to ~1e-5, so 1e-3 leaves room for
 * accumulation while still catching a missing term (those are O(1) errors).
 *
 * Each case is also run with tfjs's ORIGINAL gradients (`withUncorrectedGradients`) and must then
 * be wrong by more than 1e-2 or throw: this pins down that the re-registration is what makes
 * these tests pass (with the registration switched off, the first half of every case fails).
 */

const TOL = 1e-3;

interface Case {
  name: string;
  n: number;
  tfFn: (x: Tensor1D) => Scalar;
  f64: Float64Fn;
}

function weights(seed: number, n: number): Float64Array {
  const r = new Rng(seed);
  return Float64Array.from(Float32Array.from({ length: n }, () => r.normal()));
}

/** Float32-representable points, so tfjs and the float64 reference see the same inputs. */
function point(seed: number, n: number, scale = 1): Float64Array {
  return Float64Array.from(Float32Array.from(weights(seed, n).map((x) => x * scale)));
}

const f32 = (x: Float64Array) => tf.tensor1d(Float32Array.from(x));

function tfHvp(c: Case, x: Float64Array, v: Float64Array): Float64Array {
  const out = tf.tidy(() => hessianVectorProduct(c.tfFn, f32(x), f32(v)));
  const values = Float64Array.from(out.dataSync());
  out.dispose();
  return values;
}

function checkCase(c: Case) {
  const x = point(11, c.n);
  const v = point(12, c.n);
  const expected = centralHessianVectorProduct(c.f64, x, v);
  const err = relativeError(tfHvp(c, x, v), expected);
  let uncorrectedErr: number;
  try {
    uncorrectedErr = withUncorrectedGradients(() => relativeError(tfHvp(c, x, v), expected));
  } catch {
    uncorrectedErr = Number.POSITIVE_INFINITY; // tfjs threw: e.g. no gradient for Equal
  }
  return { err, uncorrectedErr };
}

// ---- single ops: f(x) = sum_i w_i op(x)_i ---------------------------------------------------
const N = 12;
const W = weights(3, N);
const wT = () => f32(W);
const dot64 = (y: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < N; i++) s += W[i]! * y[i]!;
  return s;
};
const rows64 = (x: Float64Array, fn: (row: Float64Array) => Float64Array) => {
  const out = new Float64Array(N);
  for (let r = 0; r < 3; r++) out.set(fn(x.subarray(r * 4, r * 4 + 4)), r * 4);
  return out;
};
const softmax64 = (z: Float64Array) => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const logSoftmax64 = (z: Float64Array) => {
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
  return z.map((v) => v - lse);
};
const sigmoid64 = (v: number) => 1 / (1 + Math.exp(-v));

const opCases: Case[] = [
  {
    name: 'exp',
    n: N,
    tfFn: (x) => tf.sum(tf.mul(wT(), tf.exp(x))),
    f64: (x) => dot64(x.map(Math.exp)),
  },
  {
    name: 'tanh',
    n: N,
    tfFn: (x) => tf.sum(tf.mul(wT(), tf.tanh(x))),
    f64: (x) => dot64(x.map(Math.tanh)),
  },
  {
    name: 'sigmoid',
    n: N,
    tfFn: (x) => tf.sum(tf.mul(wT(), tf.sigmoid(x))),
    f64: (x) => dot64(x.map(sigmoid64)),
  },
  {
    name: 'elu',
    n: N,
    tfFn: (x) => tf.sum(tf.mul(wT(), tf.elu(x))),
    f64: (x) => dot64(x.map((v) => (v > 0 ? v : Math.exp(v) - 1))),
  },
  {
    name: 'softmax (3 rows of 4)',
    n: N,
    tfFn: (x) => tf.sum(tf.mul(wT(), tf.reshape(tf.softmax(tf.reshape(x, [3, 4])), [N]))),
    f64: (x) => dot64(rows64(x, softmax64)),
  },
  {
    name: 'logSoftmax (3 rows of 4)',
    n: N,
    tfFn: (x) => tf.sum(tf.mul(wT(), tf.reshape(logSoftmax(tf.reshape(x, [3, 4])), [N]))),
    f64: (x) => dot64(rows64(x, logSoftmax64)),
  },
];

// ---- a 2-layer tanh MLP with a softmax head ----------------------------------------------------
const OBS = 3;
const H = 5;
const ACT = 4;
const BATCH = 6;
const mlpShapes = [[OBS, H], [H], [H, H], [H], [H, ACT], [ACT]] as const;
const mlpSize = OBS * H + H + H * H + H + H * ACT + ACT;
const obs64 = point(21, BATCH * OBS);
const actions = Array.from({ length: BATCH }, (_, i) => (i * 7) % ACT);
const adv64 = point(22, BATCH);

function dense64(input: Float64Array, inDim: number, outDim: number, p: Float64Array, off: number) {
  const rows = input.length / inDim;
  const out = new Float64Array(rows * outDim);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < outDim; j++) {
      let s = p[off + inDim * outDim + j]!;
      for (let k = 0; k < inDim; k++) s += input[r * inDim + k]! * p[off + k * outDim + j]!;
      out[r * outDim + j] = s;
    }
  }
  return { out, next: off + inDim * outDim + outDim };
}

function mlp64(p: Float64Array, outDim: number): Float64Array {
  const l1 = dense64(obs64, OBS, H, p, 0);
  const l2 = dense64(l1.out.map(Math.tanh), H, H, p, l1.next);
  return dense64(l2.out.map(Math.tanh), H, outDim, p, l2.next).out;
}

function mlpTf(flat: Tensor1D, shapes: readonly (readonly number[])[]): Tensor {
  const [w1, b1, w2, b2, w3, b3] = unpackParams(flat, shapes) as [
    Tensor,
    Tensor,
    Tensor,
    Tensor,
    Tensor,
    Tensor,
  ];
  const x = tf.tensor2d(Float32Array.from(obs64), [BATCH, OBS]);
  const h1 = tf.tanh(tf.add(tf.matMul(x, w1), b1));
  const h2 = tf.tanh(tf.add(tf.matMul(h1, w2), b2));
  return tf.add(tf.matMul(h2, w3), b3);
}

const categoricalCase: Case = {
  name: 'tanh MLP + softmax head: sum adv * (logp(a) + p(a))',
  n: mlpSize,
  tfFn: (flat) => {
    const logits = mlpTf(flat, mlpShapes);
    const mask = tf.cast(tf.oneHot(tf.tensor1d(actions, 'int32'), ACT), 'float32');
    const logp = tf.sum(tf.mul(logSoftmax(logits), mask), 1);
    const p = tf.sum(tf.mul(tf.softmax(logits), mask), 1);
    return tf.sum(tf.mul(f32(adv64), tf.add(logp, p)));
  },
  f64: (p) => {
    const logits = mlp64(p, ACT);
    let total = 0;
    for (let b = 0; b < BATCH; b++) {
      const row = logits.subarray(b * ACT, b * ACT + ACT);
      const a = actions[b]!;
      total += adv64[b]! * (logSoftmax64(row)[a]! + softmax64(row)[a]!);
    }
    return total;
  },
};

// ---- a Gaussian head: mean from the MLP, state-independent log-std through exp --------------
const D = 2;
const gaussShapes = [[OBS, H], [H], [H, H], [H], [H, D], [D], [D]] as const;
const gaussSize = mlpSize - H * ACT - ACT + H * D + D + D;
const act64 = point(23, BATCH * D);

const gaussianCase: Case = {
  name: 'tanh MLP Gaussian head, log-std through exp: sum adv * logp(a) + entropy-like term',
  n: gaussSize,
  tfFn: (flat) => {
    const parts = unpackParams(flat, gaussShapes);
    const mean = mlpTf(tf.concat(parts.slice(0, 6).map((t) => tf.reshape(t, [-1]))) as Tensor1D, [
      ...gaussShapes.slice(0, 6),
    ]);
    const logStd = parts[6]!;
    const std = tf.exp(logStd);
    const z = tf.div(tf.sub(tf.tensor2d(Float32Array.from(act64), [BATCH, D]), mean), std);
    const logp = tf.sum(
      tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(logStd, 0.5 * Math.log(2 * Math.PI))),
      1,
    );
    return tf.add(tf.sum(tf.mul(f32(adv64), logp)), tf.sum(tf.exp(tf.mul(2, logStd))));
  },
  f64: (p) => {
    const mean = mlp64(p, D);
    const off = gaussSize - D;
    let total = 0;
    for (let b = 0; b < BATCH; b++) {
      let logp = 0;
      for (let d = 0; d < D; d++) {
        const ls = p[off + d]!;
        const z = (act64[b * D + d]! - mean[b * D + d]!) / Math.exp(ls);
        logp += -0.5 * z * z - ls - 0.5 * Math.log(2 * Math.PI);
      }
      total += adv64[b]! * logp;
    }
    for (let d = 0; d < D; d++) total += Math.exp(2 * p[off + d]!);
    return total;
  },
};

describe('second-order-correct gradients', () => {
  it('are active after importing @bomrl/core', () => {
    expect(secondOrderGradientsActive()).toBe(true);
  });

  for (const c of [...opCases, categoricalCase, gaussianCase]) {
    it(`HVP of ${c.name} matches float64 central differences, and is wrong without the fix`, () => {
      const { err, uncorrectedErr } = checkCase(c);
      expect(err).toBeLessThanOrEqual(TOL);
      expect(uncorrectedErr).toBeGreaterThan(1e-2);
    });
  }

  it('leaves no tensors behind', () => {
    const x = point(11, mlpSize);
    const v = point(12, mlpSize);
    tfHvp(categoricalCase, x, v);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) tfHvp(categoricalCase, x, v);
    expect(tf.memory().numTensors).toBe(before);
  });
});
