/**
 * Float64 plain-TypeScript references for the tests: small dense linear algebra (Cholesky from
 * `@bomrl/core`, independent of the LU solver it checks), seeded random data, and a reporter for
 * the measured errors.
 */
import { choleskySolve as coreCholeskySolve, Random } from '@bomrl/core';
import { softmaxPolicy } from '@bomrl/envs/tabular';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

export type Mat = Float64Array[];

/** Float32-representable standard normals, so tfjs and float64 see identical inputs. */
export function randn(seed: number, n: number, scale = 1): Float64Array {
  const r = new Random(seed);
  return Float64Array.from(Float32Array.from({ length: n }, () => scale * r.normal()));
}

export function randMat(seed: number, rows: number, cols: number, scale = 1): Mat {
  const flat = randn(seed, rows * cols, scale);
  return Array.from({ length: rows }, (_, i) => flat.slice(i * cols, (i + 1) * cols));
}

export function matvec(A: Mat, x: ArrayLike<number>): Float64Array {
  return Float64Array.from(A, (row) => {
    let s = 0;
    for (let j = 0; j < row.length; j++) s += row[j]! * x[j]!;
    return s;
  });
}

export function transpose(A: Mat): Mat {
  const cols = A[0]!.length;
  return Array.from({ length: cols }, (_, j) => Float64Array.from(A, (row) => row[j]!));
}

export function matmul(A: Mat, B: Mat): Mat {
  const Bt = transpose(B);
  return A.map((row) => matvec(Bt, row));
}

export function addScaledIdentity(A: Mat, s: number): Mat {
  return A.map((row, i) => row.map((v, j) => (i === j ? v + s : v)));
}

/** Solves A x = b for symmetric positive definite A (rows) by `@bomrl/core`'s Cholesky. */
export function choleskySolve(A: Mat, b: ArrayLike<number>): Float64Array {
  const n = A.length;
  const flat = new Float64Array(n * n);
  A.forEach((row, i) => flat.set(row.subarray(0, n), i * n));
  const x = coreCholeskySolve(flat, b, n);
  if (x === null) throw new Error('choleskySolve: not positive definite');
  return x;
}

/** A random SPD matrix Q^T Q / n + shift I with eigenvalues roughly in [shift, shift + 4]. */
export function randomSpd(seed: number, n: number, shift: number): Mat {
  const Q = randMat(seed, n, n);
  return addScaledIdentity(
    matmul(transpose(Q), Q).map((row) => row.map((v) => v / n)),
    shift,
  );
}

/** Largest eigenvalue of a symmetric matrix by power iteration. */
export function lambdaMax(A: Mat): number {
  let x = randn(99, A.length);
  let lambda = 0;
  for (let it = 0; it < 500; it++) {
    const y = matvec(A, x);
    lambda = Math.hypot(...y) / Math.hypot(...x);
    x = y.map((v) => v / Math.hypot(...y));
  }
  return lambda;
}

export const dot64 = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

export function logSumExp64(z: ArrayLike<number>): number {
  const m = Math.max(...Array.from(z));
  let s = 0;
  for (let i = 0; i < z.length; i++) s += Math.exp(z[i]! - m);
  return m + Math.log(s);
}

/** Stable softmax of one logits row: `@bomrl/envs/tabular`'s `softmaxPolicy` with one state. */
export function softmax64(z: ArrayLike<number>): Float64Array {
  return softmaxPolicy(z, 1, z.length);
}

export const f32 = (x: ArrayLike<number>): Tensor1D => tf.tensor1d(Float32Array.from(x));
export const f32Mat = (A: Mat) => tf.tensor2d(A.map((row) => Array.from(row)));

/** Reads and disposes a tensor. */
export function read(t: tf.Tensor): Float64Array {
  const v = Float64Array.from(t.dataSync());
  t.dispose();
  return v;
}

/** Float32 rounding of a float64 vector (what a tensor of it holds). */
export const round32 = (x: ArrayLike<number>) => Float64Array.from(Float32Array.from(x));

/** Logs a measured number so the test output documents the achieved accuracy. */
export function report(name: string, value: number): void {
  console.log(`[meta-gradient] ${name}: ${value.toExponential(2)}`);
}
