import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gradient, hessianVectorProduct } from '../autodiff';
import { centralGradient, centralHessianVectorProduct, relativeError } from '../finite-differences';
import { fastTanh, sigmoidTanh } from './tanh';

const xs = Float64Array.from(Float32Array.from({ length: 9 }, (_, i) => -3.2 + 0.83 * i));
const w = Float64Array.from(Float32Array.from({ length: 9 }, (_, i) => Math.cos(1.3 * i)));
const v = Float64Array.from({ length: 9 }, (_, i) => Math.sin(0.7 * i + 0.2));

/** f(x) = sum_i w_i tanh(x_i) + (sum_i tanh(x_i))^2: a Hessian with off-diagonal terms. */
function f64(x: Float64Array): number {
  let a = 0;
  let b = 0;
  for (let i = 0; i < x.length; i++) {
    const t = Math.tanh(x[i]!);
    a += w[i]! * t;
    b += t;
  }
  return a + b * b;
}

function fTf(tanh: (x: tf.Tensor) => tf.Tensor) {
  const wT = tf.tensor1d(Float32Array.from(w));
  return (x: tf.Tensor1D) =>
    tf.tidy(() => {
      const t = tanh(x);
      return tf.add(tf.sum(tf.mul(wT, t)), tf.square(tf.sum(t))) as tf.Scalar;
    });
}

describe('fastTanh / sigmoidTanh', () => {
  it('matches float64 tanh to 3e-7 absolute on [-12, 12]', () => {
    const grid = Float32Array.from({ length: 20001 }, (_, i) => -12 + (24 * i) / 20000);
    const values = tf.tidy(() => sigmoidTanh(tf.tensor1d(grid)).dataSync());
    let worst = 0;
    grid.forEach((x, i) => {
      worst = Math.max(worst, Math.abs(values[i]! - Math.tanh(x)));
    });
    // 2 sigmoid(2x) - 1 in float32: one ulp of values near 1 (1.2e-7) from the subtraction plus
    // the sigmoid's own rounding
    expect(worst).toBeLessThanOrEqual(3e-7);
  });

  for (const [name, tanh] of [
    ['sigmoidTanh', sigmoidTanh],
    ['fastTanh', fastTanh],
  ] as const) {
    it(`${name}: gradient and Hessian-vector product match float64 central differences`, () => {
      const f = fTf(tanh);
      const x = tf.tensor1d(Float32Array.from(xs));
      const g = tf.tidy(() => gradient(f, x).dataSync());
      const hv = tf.tidy(() =>
        hessianVectorProduct(f, x, tf.tensor1d(Float32Array.from(v))).dataSync(),
      );
      // float32 evaluation (values ~1e-7 absolute) vs O(h^2) ~1e-8 float64 differences: 1e-5
      expect(relativeError(g, centralGradient(f64, xs))).toBeLessThanOrEqual(1e-5);
      expect(relativeError(hv, centralHessianVectorProduct(f64, xs, v))).toBeLessThanOrEqual(1e-5);
      x.dispose();
    });
  }

  it('leaks no tensors through value, gradient and Hessian-vector product', () => {
    const f = fTf(sigmoidTanh);
    const x = tf.tensor1d(Float32Array.from(xs));
    const u = tf.tensor1d(Float32Array.from(v));
    const run = () => {
      tf.tidy(() => {
        f(x);
        gradient(f, x);
        hessianVectorProduct(f, x, u);
      });
    };
    run();
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) run();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, u]);
  });
});
