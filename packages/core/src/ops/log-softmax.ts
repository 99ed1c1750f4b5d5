import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * log(sum(exp(x))) along `axis`, stable and correct to second order.
 *
 * The max shift cancels mathematically; its gradient path goes through `Equal`, which
 * `@bomrl/core` gives a zero gradient, so nested `tf.grad` through this is exact.
 */
export function logSumExp(x: Tensor, axis = -1, keepDims = false): Tensor {
  return tf.tidy(() => {
    const m = tf.max(x, axis, true);
    const lse = tf.add(m, tf.log(tf.sum(tf.exp(tf.sub(x, m)), axis, true)));
    return keepDims ? lse : tf.squeeze(lse, [axis < 0 ? x.rank + axis : axis]);
  });
}

/**
 * Log-softmax along `axis` as `x - logSumExp(x)`.
 *
 * Use this instead of `tf.logSoftmax`: tfjs implements that one with `customGrad` on its saved
 * output, which gives wrong second derivatives.
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return tf.tidy(() => tf.sub(x, logSumExp(x, axis, true)));
}
