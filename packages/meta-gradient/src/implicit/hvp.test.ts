import {
  centralGradient,
  centralHessianVectorProduct,
  logSumExp,
  relativeError,
} from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { crossHvp, crossHvpTranspose, hvp } from './hvp';
import {
  dot64,
  f32,
  f32Mat,
  logSumExp64,
  matvec,
  randMat,
  randn,
  read,
  report,
} from './testing/float64';

/*
 * f(x) = sum_i w_i tanh(x_i) + logSumExp(M x) + 0.1 sum exp(x / 2): tanh, exp and a softmax
 * (inside logSumExp's gradient) are exactly the ops whose tfjs gradients are wrong to second
 * order. References: float64 central differences of a plain-TypeScript copy.
 */
const n = 8;
const W = randn(1, n);
const M = randMat(2, 5, n, 0.5);
const x = randn(3, n, 0.7);
const v = randn(4, n);

const f64 = (y: Float64Array) =>
  dot64(W, y.map(Math.tanh)) +
  logSumExp64(matvec(M, y)) +
  0.1 * y.reduce((s, yi) => s + Math.exp(yi / 2), 0);

const fTf = (y: tf.Tensor1D) =>
  tf.tidy(
    () =>
      tf.addN([
        tf.sum(tf.mul(f32(W), tf.tanh(y))),
        logSumExp(tf.squeeze(tf.matMul(f32Mat(M), tf.reshape(y, [-1, 1])), [1])),
        tf.mul(0.1, tf.sum(tf.exp(tf.div(y, 2)))),
      ]) as tf.Scalar,
  );

describe('hvp', () => {
  const expected = centralHessianVectorProduct(f64, x, v);

  it('double backprop matches float64 finite differences to 1e-3', () => {
    const err = relativeError(read(hvp(fTf, f32(x), f32(v))), expected);
    report('HVP double-backprop rel. error', err);
    expect(err).toBeLessThan(1e-3);
  });

  it('finite-difference mode matches to 1e-2 (the documented float32 fallback accuracy)', () => {
    const err = relativeError(
      read(hvp(fTf, f32(x), f32(v), { mode: 'finite-difference' })),
      expected,
    );
    report('HVP finite-difference (eps 1e-2) rel. error', err);
    expect(err).toBeLessThan(1e-2);
  });

  it('rejects mismatched lengths', () => {
    expect(() => hvp(fTf, f32(x), f32([1, 2]))).toThrow(RangeError);
  });
});

describe('crossHvp', () => {
  // G(theta, phi) = sum tanh(theta * phi) + logSumExp(M theta + phi_head) * exp(phi_0 / 4)
  const p = 6;
  const theta = randn(5, n, 0.5);
  const phi = randn(6, p, 0.5);
  const u = randn(7, n);
  const Gf64 = (th: Float64Array, ph: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.tanh(th[i]! * ph[i % p]!);
    const z = matvec(M, th).map((zi, i) => zi + ph[i]!);
    return s + logSumExp64(z) * Math.exp(ph[0]! / 4);
  };
  const Gtf = (th: tf.Tensor1D, ph: tf.Tensor1D) =>
    tf.tidy(() => {
      // Tiling by a 0/1 matrix, not tf.gather: gather's gradient needs UnsortedSegmentSum, which
      // the wasm backend does not implement.
      const tile = Array.from({ length: n }, (_, i) =>
        Array.from({ length: p }, (_, j) => (i % p === j ? 1 : 0)),
      );
      const phiTiled = tf.squeeze(tf.matMul(tf.tensor2d(tile), tf.reshape(ph, [-1, 1])), [1]);
      const z = tf.add(
        tf.squeeze(tf.matMul(f32Mat(M), tf.reshape(th, [-1, 1])), [1]),
        tf.slice(ph, 0, 5),
      );
      return tf.add(
        tf.sum(tf.tanh(tf.mul(th, phiTiled))),
        tf.mul(logSumExp(z), tf.exp(tf.div(tf.slice(ph, 0, 1), 4))),
      ) as tf.Scalar;
    });
  // Reference: d/dphi <grad_theta G, u> = grad_phi of the float64 directional derivative.
  const expected = centralGradient(
    (ph) => {
      const gTheta = centralGradient((th) => Gf64(th, ph), theta, 1e-5);
      return dot64(gTheta, u);
    },
    phi,
    1e-4,
  );

  it('double backprop matches float64 finite differences to 1e-3', () => {
    const err = relativeError(read(crossHvp(Gtf, f32(theta), f32(phi), f32(u))), expected);
    report('cross HVP double-backprop rel. error', err);
    expect(err).toBeLessThan(1e-3);
  });

  it('finite-difference mode matches to 1e-2', () => {
    const out = crossHvp(Gtf, f32(theta), f32(phi), f32(u), { mode: 'finite-difference' });
    const err = relativeError(read(out), expected);
    report('cross HVP finite-difference rel. error', err);
    expect(err).toBeLessThan(1e-2);
  });

  // d/dtheta <grad_phi G, d>: the same mixed second derivative, contracted on the other side
  const d = randn(8, p);
  const expectedTranspose = centralGradient(
    (th) => {
      const gPhi = centralGradient((ph) => Gf64(th, ph), phi, 1e-5);
      return dot64(gPhi, d);
    },
    theta,
    1e-4,
  );

  it('crossHvpTranspose matches float64 finite differences to 1e-3', () => {
    const out = read(crossHvpTranspose(Gtf, f32(theta), f32(phi), f32(d)));
    const err = relativeError(out, expectedTranspose);
    report('cross HVP transpose rel. error', err);
    expect(err).toBeLessThan(1e-3);
    // and it is crossHvp's transpose: <crossHvpT(d), u> = <crossHvp(u), d>
    const other = read(crossHvp(Gtf, f32(theta), f32(phi), f32(u)));
    expect(Math.abs(dot64(out, u) - dot64(other, d))).toBeLessThan(1e-4 * Math.abs(dot64(out, u)));
  });

  it('is zero, not an error, when grad_theta G does not depend on phi', () => {
    const sep = (th: tf.Tensor1D, ph: tf.Tensor1D) =>
      tf.add(tf.sum(tf.square(th)), tf.sum(ph)) as tf.Scalar;
    expect(Array.from(read(crossHvp(sep, f32(theta), f32(phi), f32(u))))).toEqual(
      new Array(p).fill(0),
    );
  });
});
