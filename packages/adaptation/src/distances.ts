import type { Scalar, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { AdaptationData } from './data';
import { AdaptationError } from './errors';
import { logPolicyTable, visitationColumn } from './exact';
import { behaviourLogProbs, normalizedBatchWeights } from './surrogates';

/**
 * A distance D2(phi, theta) >= 0 between the meta-policy and the adapted one, as a tfjs scalar
 * differentiable (twice) in both arguments. The three built-ins are the paper's Alg(1)-(3); a
 * user's own distance is any object of this shape (see {@link defineDistance}).
 */
export interface Distance {
  /** Shows up in diagnostics and error messages. */
  readonly name: string;
  /** D2(phi, theta) on the data (exact tabular quantities or a batch). */
  value(theta: Tensor1D, phi: Tensor1D, data: AdaptationData): Scalar;
  /**
   * Exact mode only: true when adding a constant to one state's logits leaves the value
   * unchanged (KL distances). The solvers then fix the gauge (keep each state's mean logit).
   */
  readonly shiftInvariant?: boolean;
  /**
   * Exact mode only: true when the value is a sum over states of terms that each depend only on
   * that state's logits. Lets the Newton solver build the block-diagonal Hessian with nActions
   * Hessian-vector products instead of nStates * nActions.
   */
  readonly separable?: boolean;
}

/** Alg(1): E_{s ~ nu^phi} KL( pi_phi(.|s) || pi_theta(.|s) ), the PPO-with-KL-penalty family. */
export const forwardKL: Distance = {
  name: 'forward-kl',
  shiftInvariant: true,
  separable: true,
  value: (theta, phi, data) => klDistance(phi, theta, data, 'forward'),
};

/**
 * Alg(2): E_{s ~ nu^phi} KL( pi_theta(.|s) || pi_phi(.|s) ). For tabular softmax policies the
 * maximizer is pi_theta ∝ pi_phi exp(A / lambda) (mirror descent / natural policy gradient).
 */
export const reverseKL: Distance = {
  name: 'reverse-kl',
  shiftInvariant: true,
  separable: true,
  value: (theta, phi, data) => klDistance(theta, phi, data, 'reverse'),
};

/** Alg(3): ||theta - phi||^2, the policy-gradient family. Ignores the data. */
export const l2: Distance = {
  name: 'l2',
  shiftInvariant: false,
  separable: true,
  value: (theta, phi) => tf.tidy(() => tf.sum(tf.square(tf.sub(theta, phi))) as Scalar),
};

/**
 * A user-supplied distance, checked for shape. `value` must return a scalar >= 0 that is 0 at
 * theta = phi; leave `shiftInvariant` / `separable` unset unless they hold (they only speed up
 * or regularize exact-mode solvers).
 */
export function defineDistance(distance: Distance): Distance {
  if (
    typeof distance !== 'object' ||
    distance === null ||
    typeof distance.name !== 'string' ||
    distance.name === ''
  ) {
    throw new AdaptationError('defineDistance: give the distance a non-empty name');
  }
  if (typeof distance.value !== 'function') {
    throw new AdaptationError(
      `defineDistance: distance '${distance.name}' needs value(theta, phi, data) => Scalar`,
    );
  }
  return distance;
}

/**
 * KL(pi_p || pi_q) averaged over the state weights. `direction` tells which argument is phi,
 * because the sample estimates (used when the policy has no closed-form kl) need the actions'
 * sampling distribution pi_phi.
 */
function klDistance(
  p: Tensor1D,
  q: Tensor1D,
  data: AdaptationData,
  direction: 'forward' | 'reverse',
): Scalar {
  return tf.tidy(() => {
    if (data.kind === 'exact') {
      const { nStates: S, nActions: A } = data;
      const logP = logPolicyTable(p, S, A);
      const logQ = logPolicyTable(q, S, A);
      return tf.sum(
        tf.mul(visitationColumn(data), tf.mul(tf.exp(logP), tf.sub(logP, logQ))),
      ) as Scalar;
    }
    const { policy, batch } = data;
    const w = normalizedBatchWeights(data);
    if (policy.kl !== undefined)
      return tf.sum(tf.mul(w, policy.kl(p, q, batch.observations))) as Scalar;
    // Sample estimates with a_i ~ pi_phi: forward E[log pi_phi - log pi_theta]; reverse
    // E[rho log rho] = KL(pi_theta || pi_phi) with rho = pi_theta / pi_phi.
    const phi = direction === 'forward' ? p : q;
    const theta = direction === 'forward' ? q : p;
    const logPhi = behaviourLogProbs(data, phi);
    const logTheta = policy.logProb(theta, batch.observations, batch.actions);
    const logRatio = tf.sub(logTheta, logPhi);
    const terms = direction === 'forward' ? tf.neg(logRatio) : tf.mul(tf.exp(logRatio), logRatio);
    return tf.sum(tf.mul(w, terms)) as Scalar;
  });
}
