import type { TabularModel } from '@bomrl/envs/tabular';
import type { Scalar, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Exact tabular quantities as tfjs functions of the policy logits, differentiable (twice) in
 * them: the finite-horizon return J, the normalized finite-horizon discounted visitation nu and
 * the stationary discounted advantage A. These are what make exact-mode BO-MRL's 'full'
 * hypergradient possible: phi moves nu^phi and A^phi, and autodiff sees it.
 *
 * Every recursion is unrolled with plain matMuls (no gather: its gradient is missing on wasm).
 */
export interface TabularTensors {
  readonly S: number;
  readonly A: number;
  readonly gamma: number;
  readonly horizon: number;
  /** P as [S, A, S]. */
  readonly P: Tensor;
  /** R as [S, A]. */
  readonly R: Tensor2D;
  /** Initial distribution as [1, S]. */
  readonly initial: Tensor2D;
}

/** Uploads a float64 model as float32 tensors (call once per task; dispose with disposeTabular). */
export function tabularTensors(model: TabularModel): TabularTensors {
  const { nStates: S, nActions: A } = model;
  return {
    S,
    A,
    gamma: model.gamma,
    horizon: model.horizon,
    P: tf.tensor3d(Float32Array.from(model.P), [S, A, S]),
    R: tf.tensor2d(Float32Array.from(model.R), [S, A]),
    initial: tf.tensor2d(Float32Array.from(model.initial), [1, S]),
  };
}

/** Frees the tensors of {@link tabularTensors}. */
export function disposeTabular(m: TabularTensors): void {
  tf.dispose([m.P, m.R, m.initial]);
}

/** pi(a|s) as [S, A] from flat logits (row-major). */
export function tabularPolicyTensor(m: TabularTensors, logits: Tensor1D): Tensor2D {
  return tf.softmax(tf.reshape(logits, [m.S, m.A])) as Tensor2D;
}

function policyDynamics(m: TabularTensors, pi: Tensor2D): { Ppi: Tensor2D; rpi: Tensor2D } {
  const Ppi = tf.sum(tf.mul(tf.expandDims(pi, 2), m.P), 1) as Tensor2D; // [S, S]
  const rpi = tf.reshape(tf.sum(tf.mul(pi, m.R), 1), [m.S, 1]) as Tensor2D; // [S, 1]
  return { Ppi, rpi };
}

/** J = E[sum_{t<H} gamma^t r_t] of the softmax policy with these logits. */
export function finiteHorizonReturn(m: TabularTensors, logits: Tensor1D): Scalar {
  return tf.tidy(() => {
    const { Ppi, rpi } = policyDynamics(m, tabularPolicyTensor(m, logits));
    let d: Tensor2D = m.initial;
    let J: Tensor = tf.scalar(0);
    for (let t = 0; t < m.horizon; t++) {
      J = tf.add(J, tf.mul(m.gamma ** t, tf.sum(tf.matMul(d, rpi))));
      if (t + 1 < m.horizon) d = tf.matMul(d, Ppi);
    }
    return J as Scalar;
  });
}

/**
 * nu^pi (normalized finite-horizon discounted visitation, [S]) and the stationary discounted
 * advantage A^pi ([S, A]) of the policy pi ([S, A]).
 */
export function visitationAndAdvantage(
  m: TabularTensors,
  pi: Tensor2D,
): { nu: Tensor1D; A: Tensor2D } {
  return tf.tidy(() => {
    const { Ppi, rpi } = policyDynamics(m, pi);
    let d: Tensor2D = m.initial;
    let acc: Tensor = tf.zerosLike(m.initial);
    let norm = 0;
    for (let t = 0; t < m.horizon; t++) {
      acc = tf.add(acc, tf.mul(m.gamma ** t, d));
      norm += m.gamma ** t;
      if (t + 1 < m.horizon) d = tf.matMul(d, Ppi);
    }
    const nu = tf.reshape(tf.div(acc, norm), [m.S]) as Tensor1D;
    // V = sum_k (gamma Ppi)^k r_pi by doubling: S_{2k} = S_k + M_k S_k, M_{2k} = M_k^2, until
    // gamma^(2^k) < 1e-12 (float32 cannot see the rest).
    const doublings = Math.max(1, Math.ceil(Math.log2(Math.log(1e-12) / Math.log(m.gamma))));
    let M: Tensor2D = tf.mul(m.gamma, Ppi) as Tensor2D;
    let V: Tensor2D = rpi;
    for (let k = 0; k < doublings; k++) {
      V = tf.add(V, tf.matMul(M, V)) as Tensor2D;
      if (k + 1 < doublings) M = tf.matMul(M, M);
    }
    // Q(s,a) = R(s,a) + gamma sum_s' P(s,a,s') V(s')
    const PV = tf.reshape(tf.matMul(tf.reshape(m.P, [m.S * m.A, m.S]), V), [m.S, m.A]);
    const Q = tf.add(m.R, tf.mul(m.gamma, PV));
    const A = tf.sub(Q, V) as Tensor2D;
    return { nu, A };
  });
}
