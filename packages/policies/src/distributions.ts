import { logSoftmax } from '@bomrl/core';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/*
 * Closed-form log-probabilities, entropies and KL divergences of the two action distributions,
 * written only with ops whose gradients are exact to second order after `@bomrl/core` is
 * imported (log-softmax as z - logSumExp(z), never tf.logSoftmax; one-hot masks instead of
 * gathers so the backward pass is a plain multiply).
 */

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const HALF_LOG_2PI_E = 0.5 * Math.log(2 * Math.PI * Math.E);

/** log softmax(logits)[a_i] per row. logits [B, A], actions int32 [B]. */
export function categoricalLogProb(logits: Tensor2D, actions: Tensor1D): Tensor1D {
  return tf.tidy(() => {
    const nActions = logits.shape[1];
    const mask = tf.cast(tf.oneHot(actions, nActions), 'float32');
    return tf.sum(tf.mul(logSoftmax(logits), mask), 1) as Tensor1D;
  });
}

/** -sum_a p(a) log p(a) per row. */
export function categoricalEntropy(logits: Tensor2D): Tensor1D {
  return tf.tidy(() => {
    const logp = logSoftmax(logits);
    return tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1)) as Tensor1D;
  });
}

/** KL(P || Q) = sum_a p(a) (log p(a) - log q(a)) per row. */
export function categoricalKL(logitsP: Tensor2D, logitsQ: Tensor2D): Tensor1D {
  return tf.tidy(() => {
    const logp = logSoftmax(logitsP);
    const logq = logSoftmax(logitsQ);
    return tf.sum(tf.mul(tf.exp(logp), tf.sub(logp, logq)), 1) as Tensor1D;
  });
}

/**
 * Diagonal Gaussian log-density per row:
 * sum_d [ -(a_d - mu_d)^2 / (2 sigma_d^2) - log sigma_d - log(2 pi) / 2 ].
 * mean [B, D], logStd [D], actions [B, D].
 */
export function gaussianLogProb(mean: Tensor2D, logStd: Tensor1D, actions: Tensor2D): Tensor1D {
  return tf.tidy(() => {
    const z = tf.mul(tf.sub(actions, mean), tf.exp(tf.neg(logStd)));
    const perDim = tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(logStd, HALF_LOG_2PI));
    return tf.sum(perDim, 1) as Tensor1D;
  });
}

/** sum_d [ log sigma_d + log(2 pi e) / 2 ], repeated for each of `batch` states. */
export function gaussianEntropy(logStd: Tensor1D, batch: number): Tensor1D {
  return tf.tidy(
    () => tf.mul(tf.ones([batch]), tf.sum(tf.add(logStd, HALF_LOG_2PI_E))) as Tensor1D,
  );
}

/**
 * KL(P || Q) of diagonal Gaussians per row:
 * sum_d [ log sigma_Q - log sigma_P + (sigma_P^2 + (mu_P - mu_Q)^2) / (2 sigma_Q^2) - 1/2 ].
 */
export function gaussianKL(
  meanP: Tensor2D,
  logStdP: Tensor1D,
  meanQ: Tensor2D,
  logStdQ: Tensor1D,
): Tensor1D {
  return tf.tidy(() => {
    const logRatio = tf.sub(logStdP, logStdQ);
    const varRatio = tf.exp(tf.mul(2, logRatio));
    const meanTerm = tf.mul(tf.square(tf.sub(meanP, meanQ)), tf.exp(tf.mul(-2, logStdQ)));
    const perDim: Tensor = tf.sub(tf.mul(0.5, tf.add(varRatio, meanTerm)), tf.add(logRatio, 0.5));
    return tf.sum(perDim, 1) as Tensor1D;
  });
}
