import { scoped } from '@bomrl/core';
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { finiteHorizonReturn, type TabularTensors } from './tabular-tf';

/** One task's exact MAML meta-gradient and returns. */
export interface ExactMamlResult {
  readonly gradient: Float64Array;
  readonly preReturn: number;
  readonly postReturn: number;
  readonly theta: Float64Array;
}

/**
 * MAML in exact mode on a known tabular task: k inner steps theta_{i+1} = theta_i + alpha
 * grad J(theta_i) with the exact return, and the meta-gradient d J(theta_k(phi)) / d phi by
 * autodiff through the steps ('second' order: needs correct Hessian-vector products) or with
 * the inner Jacobians dropped ('first' order: grad J(theta_k)).
 */
export function exactMamlMetaGradient(
  m: TabularTensors,
  phiValues: Float64Array,
  options: { readonly alpha: number; readonly steps?: number; readonly order?: 'first' | 'second' },
): ExactMamlResult {
  const { alpha, steps = 1, order = 'second' } = options;
  if (!(alpha > 0)) throw new RangeError(`exact MAML: alpha must be > 0, got ${alpha}`);
  const J = (x: Tensor) => finiteHorizonReturn(m, x as Tensor1D);
  const inner = (phi: Tensor1D): Tensor1D => {
    let theta: Tensor1D = phi;
    for (let k = 0; k < steps; k++)
      theta = tf.add(theta, tf.mul(alpha, tf.grad(J)(theta))) as Tensor1D;
    return theta;
  };
  return scoped(() => {
    const phi = tf.tensor1d(Float32Array.from(phiValues));
    const theta = inner(phi);
    const gradient =
      order === 'second' ? tf.grad((p: Tensor) => J(inner(p as Tensor1D)))(phi) : tf.grad(J)(theta);
    return {
      gradient: Float64Array.from(gradient.dataSync()),
      preReturn: J(phi).dataSync()[0]!,
      postReturn: J(theta).dataSync()[0]!,
      theta: Float64Array.from(theta.dataSync()),
    };
  });
}
