import { InvalidArgumentError } from '@bomrl/envs';
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/** Shapes of the pieces of a flat parameter vector, in order. */
export type ParamShapes = readonly (readonly number[])[];

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Total number of scalars described by `shapes`. */
export function paramCount(shapes: ParamShapes): number {
  return shapes.reduce((n, s) => n + sizeOf(s), 0);
}

/** Concatenates tensors of any shapes into one 1-D tensor (differentiable). */
export function packParams(tensors: readonly Tensor[]): Tensor1D {
  if (tensors.length === 0)
    throw new InvalidArgumentError('packParams: expected at least one tensor');
  return tf.tidy(
    () =>
      tf.concat(
        tensors.map((t) => tf.reshape(t, [-1])),
        0,
      ) as Tensor1D,
  );
}

/**
 * Splits a flat 1-D tensor into tensors of the given shapes (differentiable: slices and
 * reshapes, so gradients with respect to the flat vector flow through).
 */
export function unpackParams(flat: Tensor, shapes: ParamShapes): Tensor[] {
  if (flat.rank !== 1)
    throw new InvalidArgumentError(`unpackParams: expected a 1-D tensor, got rank ${flat.rank}`);
  const expected = paramCount(shapes);
  if (flat.size !== expected) {
    throw new InvalidArgumentError(
      `unpackParams: flat vector has ${flat.size} entries but the shapes need ${expected}`,
    );
  }
  let offset = 0;
  return shapes.map((shape) => {
    const n = sizeOf(shape);
    const piece = tf.reshape(tf.slice(flat, [offset], [n]), [...shape]);
    offset += n;
    return piece;
  });
}
