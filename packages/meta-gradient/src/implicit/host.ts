import type { Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Host-side (float64, plain TypeScript) vector helpers.
 *
 * The solvers keep their iterates on the host in float64 and send only the matrix-vector
 * product through tfjs: the products are the expensive part, while the few vector updates per
 * iteration are cheap, and float64 bookkeeping keeps CG's recurrences from drifting on top of
 * the float32 noise already in every product. Every solver needs scalar dot products on the
 * host each iteration anyway (for its step sizes and stopping test), so nothing extra is synced.
 */

/** A linear operator on float64 host vectors. */
export type HostMatvec = (v: Float64Array) => Float64Array;

/** A linear operator on tfjs vectors, as users write them. */
export type Matvec = (v: Tensor1D) => Tensor1D;

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}

/** y <- y + alpha * x, in place. */
export function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i]! += alpha * x[i]!;
}

/** Reads a tensor into a float64 host vector (does not dispose it). */
export function toHost(t: Tensor1D): Float64Array {
  return Float64Array.from(t.dataSync());
}

/** Reads a tensor into a float64 host vector and disposes it. */
export function takeHost(t: Tensor1D): Float64Array {
  const host = toHost(t);
  t.dispose();
  return host;
}

/** A float32 tensor from a float64 host vector (tfjs rejects Float64Array). */
export function toTensor(x: Float64Array): Tensor1D {
  return tf.tensor1d(Float32Array.from(x));
}

/**
 * Wraps a tensor operator as a host operator. Each product runs inside `tf.tidy` and its result
 * is read back and disposed, so a solver built on it cannot leak tensors.
 */
export function hostMatvec(matvec: Matvec, n: number): HostMatvec {
  return (v) => {
    const out = tf.tidy(() => matvec(toTensor(v)));
    const host = toHost(out);
    out.dispose();
    if (host.length !== n) {
      throw new RangeError(`matvec returned ${host.length} entries, expected ${n}`);
    }
    return host;
  };
}

/** The operator v -> A v + damping v. */
export function withDamping(matvec: HostMatvec, damping: number): HostMatvec {
  if (damping === 0) return matvec;
  return (v) => {
    const out = matvec(v);
    axpy(damping, v, out);
    return out;
  };
}
