import { InvalidArgumentError } from '@bomrl/envs';
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { ensureSecondOrderGradients } from './gradients/registration';

/** A scalar function of a flat parameter vector. */
export type ScalarFn = (x: Tensor1D) => Scalar;

/** Gradient of `f` at `x`. */
export function gradient(f: ScalarFn, x: Tensor1D): Tensor1D {
  ensureSecondOrderGradients();
  return tf.grad(f as (x: Tensor) => Tensor)(x) as Tensor1D;
}

/** Value and gradient of `f` at `x`. */
export function valueAndGradient(f: ScalarFn, x: Tensor1D): { value: Scalar; grad: Tensor1D } {
  ensureSecondOrderGradients();
  const { value, grad } = tf.valueAndGrad(f as (x: Tensor) => Tensor)(x);
  return { value: value as Scalar, grad: grad as Tensor1D };
}

/**
 * Hessian-vector product H(x) v of a scalar function by double backpropagation:
 * the gradient of <grad f(x), v> with `v` held fixed. Exact to float32 rounding, provided every
 * op in `f` has a second-order-correct gradient (`@bomrl/core` registers those).
 */
export function hessianVectorProduct(f: ScalarFn, x: Tensor1D, v: Tensor1D): Tensor1D {
  ensureSecondOrderGradients();
  if (x.shape[0] !== v.shape[0]) {
    throw new InvalidArgumentError(
      `hessianVectorProduct: x has ${x.shape[0]} entries but v has ${v.shape[0]}`,
    );
  }
  return tf.tidy(() => {
    const gradF = tf.grad(f as (x: Tensor) => Tensor);
    return tf.grad((y: Tensor) => tf.sum(tf.mul(gradF(y as Tensor1D), v)) as Scalar)(x) as Tensor1D;
  });
}
