import { fastTanh, type Rng } from '@bomrl/core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/*
 * A tanh multilayer perceptron over pieces of a flat parameter vector. Layout per layer:
 * weight [in, out] (row-major, applied as x W) then bias [out]; hidden layers use tanh, the
 * output layer is linear.
 */

/** Parameter shapes of an MLP: [[in, h1], [h1], [h1, h2], [h2], ..., [hk, out], [out]]. */
export function mlpShapes(inDim: number, hidden: readonly number[], outDim: number): number[][] {
  const sizes = [inDim, ...hidden, outDim];
  const shapes: number[][] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    shapes.push([sizes[l]!, sizes[l + 1]!], [sizes[l + 1]!]);
  }
  return shapes;
}

/** Forward pass; `pieces` are the 2 * (hidden.length + 1) tensors of {@link mlpShapes}. */
export function mlpForward(pieces: readonly Tensor[], x: Tensor2D): Tensor2D {
  return tf.tidy(() => {
    let h: Tensor = x;
    const layers = pieces.length / 2;
    for (let l = 0; l < layers; l++) {
      h = tf.add(tf.matMul(h as Tensor2D, pieces[2 * l] as Tensor2D), pieces[2 * l + 1]!);
      if (l + 1 < layers) h = fastTanh(h);
    }
    return h as Tensor2D;
  });
}

/**
 * Writes Glorot/Xavier-uniform weights and zero biases into `out` (from offset 0, layout of
 * {@link mlpShapes}); the output layer's weights are multiplied by `outputScale` so a fresh
 * policy starts near uniform (categorical) or near zero mean (Gaussian).
 * Returns the number of entries written.
 */
export function glorotInit(
  out: Float32Array,
  inDim: number,
  hidden: readonly number[],
  outDim: number,
  outputScale: number,
  rng: Rng,
): number {
  const sizes = [inDim, ...hidden, outDim];
  let offset = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l]!;
    const fanOut = sizes[l + 1]!;
    const scale = l + 2 === sizes.length ? outputScale : 1;
    const limit = Math.sqrt(6 / (fanIn + fanOut)) * scale;
    for (let i = 0; i < fanIn * fanOut; i++) out[offset++] = (2 * rng.next() - 1) * limit;
    offset += fanOut; // biases stay zero
  }
  return offset;
}
