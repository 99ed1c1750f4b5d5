import { Rng } from '@bomrl/envs';
import type { Scalar, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gradient, hessianVectorProduct } from '../autodiff';
import { centralGradient, centralHessianVectorProduct, relativeError } from '../finite-differences';

// The MatMul gradient is re-registered with explicit transposes (faster on wasm). Check all four
// transpose-flag combinations, and the batched fallback, against float64 finite differences.

const M = 3;
const K = 4;
const N = 2;
const rng = new Rng(5);
const f32vals = (n: number) =>
  Float64Array.from(Float32Array.from({ length: n }, () => rng.normal()));
const x0 = f32vals(M * K + K * N);
const w = f32vals(M * N);

function matmul64(a: Float64Array, b: Float64Array, tA: boolean, tB: boolean): Float64Array {
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++)
        s += a[tA ? k * M + i : i * K + k]! * b[tB ? j * K + k : k * N + j]!;
      out[i * N + j] = s;
    }
  }
  return out;
}

describe('MatMul gradient (explicit-transpose re-registration)', () => {
  for (const tA of [false, true]) {
    for (const tB of [false, true]) {
      it(`matches finite differences with transposeA=${tA}, transposeB=${tB} (first and second order)`, () => {
        // f(a, b) = sum w * tanh(op(a) op(b)), packed as one vector
        const f64 = (x: Float64Array) => {
          const c = matmul64(x.subarray(0, M * K), x.subarray(M * K), tA, tB);
          return c.reduce((s, v, i) => s + w[i]! * Math.tanh(v), 0);
        };
        const fTf = (x: Tensor1D) => {
          const a = tf.reshape(tf.slice(x, 0, M * K), tA ? [K, M] : [M, K]);
          const b = tf.reshape(tf.slice(x, M * K), tB ? [N, K] : [K, N]);
          const c = tf.matMul(a, b, tA, tB);
          return tf.sum(tf.mul(tf.tensor2d(Float32Array.from(w), [M, N]), tf.tanh(c))) as Scalar;
        };
        const x = tf.tensor1d(Float32Array.from(x0));
        const g = gradient(fTf, x).dataSync();
        expect(relativeError(g, centralGradient(f64, x0))).toBeLessThan(1e-4);
        const v = f32vals(x0.length);
        const hv = hessianVectorProduct(fTf, x, tf.tensor1d(Float32Array.from(v))).dataSync();
        expect(relativeError(hv, centralHessianVectorProduct(f64, x0, v))).toBeLessThan(1e-3);
      });
    }
  }

  it('falls back to tfjs gradient for batched (rank-3) matmul', () => {
    const a0 = f32vals(2 * M * K);
    const b0 = f32vals(2 * K * N);
    const fTf = (x: Tensor1D) =>
      tf.sum(
        tf.square(
          tf.matMul(tf.reshape(x, [2, M, K]), tf.tensor3d(Float32Array.from(b0), [2, K, N])),
        ),
      ) as Scalar;
    const f64 = (x: Float64Array) => {
      let s = 0;
      for (let bi = 0; bi < 2; bi++) {
        const c = matmul64(
          x.subarray(bi * M * K, (bi + 1) * M * K),
          b0.subarray(bi * K * N, (bi + 1) * K * N),
          false,
          false,
        );
        s += c.reduce((t, v) => t + v * v, 0);
      }
      return s;
    };
    const g = gradient(fTf, tf.tensor1d(Float32Array.from(a0))).dataSync();
    expect(relativeError(g, centralGradient(f64, a0))).toBeLessThan(1e-4);
  });
});
