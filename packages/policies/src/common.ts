import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { type NormalizerOptions, ObservationNormalizer } from './normalizer';
import { expectTensor, shapeString } from './validation';

/** Checks that `params` is a float32 1-D tensor of the policy's length. */
export function checkParams(
  params: Tensor,
  count: number,
  name: string,
  describe: () => string,
): void {
  if (!(params instanceof tf.Tensor)) throw new TypeError(`${name}: params must be a tf.Tensor`);
  if (params.rank !== 1 || params.size !== count) {
    throw new RangeError(
      `${name}: params must have shape [${count}] for ${describe()}, got ${shapeString(params.shape)}`,
    );
  }
  if (params.dtype !== 'float32')
    throw new TypeError(`${name}: params must be float32, got ${params.dtype}`);
}

/** Checks float32 [B, obsDim] observations and applies the normalizer, if any. */
export function prepareObs(
  obs: Tensor,
  obsDim: number,
  normalizer: ObservationNormalizer | null,
  name: string,
): Tensor2D {
  if (!(obs instanceof tf.Tensor)) throw new TypeError(`${name}: obs must be a tf.Tensor`);
  expectTensor(obs, [null, obsDim], 'float32', `${name}: obs`);
  return normalizer ? normalizer.normalize(obs as Tensor2D) : (obs as Tensor2D);
}

/** The normalizer option of the MLP policies: off, on (with options), or a given instance. */
export type NormalizerOption = boolean | NormalizerOptions | ObservationNormalizer;

export function resolveNormalizer(
  option: NormalizerOption | undefined,
  obsDim: number,
  name: string,
): ObservationNormalizer | null {
  if (option === undefined || option === false) return null;
  if (option instanceof ObservationNormalizer) {
    if (option.dim !== obsDim) {
      throw new RangeError(`${name}: normalizer has dim ${option.dim} but obsDim is ${obsDim}`);
    }
    return option;
  }
  return new ObservationNormalizer(obsDim, option === true ? {} : option);
}

/** Float32 [B, dim] tensor from row-major numbers. */
export function rowsTensor(values: ArrayLike<number>, dim: number, name: string): Tensor2D {
  if (values.length % dim !== 0) {
    throw new RangeError(
      `${name}: ${values.length} numbers is not a whole number of rows of ${dim}`,
    );
  }
  return tf.tensor2d(Float32Array.from(values), [values.length / dim, dim], 'float32');
}

/** Int32 [B] tensor from integer-valued numbers in [0, n). */
export function indexTensor(values: ArrayLike<number>, n: number, name: string): Tensor1D {
  const out = Int32Array.from(values);
  for (let i = 0; i < values.length; i++) {
    if (out[i] !== values[i] || out[i]! < 0 || out[i]! >= n) {
      throw new RangeError(`${name}[${i}] is ${values[i]}, expected an integer in [0, ${n})`);
    }
  }
  return tf.tensor1d(out, 'int32');
}

/** Checks that a per-sample tensor has the same batch size as the observations. */
export function checkBatch(actions: Tensor, batch: number, name: string): void {
  if (actions.shape[0] !== batch) {
    throw new RangeError(
      `${name}: actions have batch ${actions.shape[0]} (shape ${shapeString(actions.shape)}) but obs have batch ${batch}`,
    );
  }
}
