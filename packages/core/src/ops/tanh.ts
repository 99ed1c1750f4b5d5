import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/*
 * Why: on the wasm backend tfjs's `Tanh` kernel is a scalar libm loop, while its `Sigmoid` is a
 * vectorized (XNNPACK) kernel: measured on 512k floats, Tanh ~35 ms, 2 sigmoid(2x) - 1 ~8 ms.
 * The identity tanh x = 2 sigmoid(2x) - 1 is exact; in float32 the subtraction costs relative
 * accuracy near 0, leaving an ABSOLUTE error of at most ~2e-7 (measured on a dense grid over
 * [-12, 12]; the Tanh kernel: 8e-8), which is below the rounding of the matMul sums around it.
 * Derivatives stay exact: the gradient is (1 - tanh(x)^2) dy with tanh recomputed from the
 * SAVED INPUT inside the gradient (the pattern `@bomrl/core` uses for second-order-correct
 * kernels), so nested `tf.grad` differentiates the recomputation again.
 */

/** Backends whose own Tanh kernel is slower than the sigmoid formulation below. */
const SLOW_TANH_BACKENDS: ReadonlySet<string> = new Set(['wasm']);

function tanhBySigmoid(x: Tensor): Tensor {
  return tf.tidy(() => tf.sub(tf.mul(tf.sigmoid(tf.add(x, x)), 2), 1));
}

const customTanh: (x: Tensor) => Tensor = tf.customGrad((...args) => {
  const [x, save] = args as [Tensor, tf.GradSaveFunc];
  save([x]);
  return {
    value: tanhBySigmoid(x),
    gradFunc: (dy: Tensor, saved: Tensor[]) =>
      tf.mul(dy, tf.sub(1, tf.square(customTanh(saved[0]!)))),
  };
}) as (x: Tensor) => Tensor;

/**
 * Hyperbolic tangent, correct to second order, fast on every backend: tfjs's `Tanh` kernel
 * where it is fast, 2 sigmoid(2x) - 1 on wasm (absolute error <= ~2e-7). Use it for
 * activations instead of `tf.tanh`.
 */
export function fastTanh<T extends Tensor>(x: T): T {
  return (SLOW_TANH_BACKENDS.has(tf.getBackend()) ? customTanh(x) : tf.tanh(x)) as T;
}

/** The sigmoid formulation on any backend (for tests of its accuracy and derivatives). */
export function sigmoidTanh<T extends Tensor>(x: T): T {
  return customTanh(x) as T;
}
