import type { Policy } from '@bomrl/policies';
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { Episode } from '../advantages/episode';
import { flattenEpisodes } from '../advantages/flat-episodes';

/** A REINFORCE surrogate on fixed episodes; its tensors are freed by `dispose`. */
export interface ReturnSurrogate {
  /** (1/N) sum_episodes sum_t gamma^t log pi_params(a_t|s_t) A_t: its gradient estimates grad J. */
  readonly value: (params: Tensor1D) => Scalar;
  dispose(): void;
}

/**
 * The REINFORCE-with-baseline surrogate of J on episodes collected with the policy at which its
 * gradient is taken: A_t from a linear feature baseline fitted to these episodes and GAE
 * (lambda = 1: A_t is the return-to-go minus the baseline, the unbiased choice for the
 * finite-horizon discounted J). Unnormalized by the discount mass: its gradient estimates the
 * gradient of J itself.
 */
export function returnSurrogate(
  policy: Policy,
  episodes: readonly Episode[],
  gamma: number,
  gaeLambda = 1,
): ReturnSurrogate {
  if (episodes.length === 0) throw new RangeError('returnSurrogate: no episodes');
  const flat = flattenEpisodes(episodes, gamma, gaeLambda);
  const coef = new Float32Array(flat.steps);
  let g = 1;
  for (let i = 0; i < flat.steps; i++) {
    // gamma^t by repeated multiplication, restarting at each episode's first step
    g = flat.timeSteps[i] === 0 ? 1 : g * gamma;
    coef[i] = (g * flat.advantages[i]!) / episodes.length;
  }
  const o = policy.obsTensor(flat.observations);
  const a = policy.actionTensor(flat.actions);
  const w = tf.tensor1d(coef);
  return {
    value: (params) => tf.tidy(() => tf.sum(tf.mul(w, policy.logProb(params, o, a))) as Scalar),
    dispose: () => tf.dispose([o, a, w]),
  };
}

/**
 * g = grad_theta J(theta) at theta' from FRESH episodes collected with pi_theta': the gradient
 * of {@link returnSurrogate} at theta.
 */
export function outerPolicyGradient(
  policy: Policy,
  theta: Tensor1D,
  episodes: readonly Episode[],
  gamma: number,
  gaeLambda = 1,
): Tensor1D {
  const surrogate = returnSurrogate(policy, episodes, gamma, gaeLambda);
  try {
    return tf.tidy(() => tf.grad((x: Tensor) => surrogate.value(x as Tensor1D))(theta) as Tensor1D);
  } finally {
    surrogate.dispose();
  }
}
