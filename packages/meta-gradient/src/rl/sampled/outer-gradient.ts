import type { Policy } from '@bomrl/policies';
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { Episode } from '../advantages/episode';
import { generalizedAdvantages } from '../advantages/gae';
import { LinearFeatureBaseline } from '../advantages/linear-feature-baseline';

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
  const first = episodes[0];
  if (!first) throw new RangeError('returnSurrogate: no episodes');
  const baseline = new LinearFeatureBaseline();
  baseline.fit(episodes, gamma);
  let steps = 0;
  for (const e of episodes) steps += e.rewards.length;
  const obs = new Float32Array(steps * first.obsDim);
  const act = new Float32Array(steps * first.actionSize);
  const coef = new Float32Array(steps);
  let offset = 0;
  for (const e of episodes) {
    const adv = generalizedAdvantages(e.rewards, baseline.predict(e), gamma, gaeLambda);
    obs.set(e.observations, offset * first.obsDim);
    act.set(e.actions, offset * first.actionSize);
    let g = 1;
    for (let t = 0; t < e.rewards.length; t++, g *= gamma) {
      coef[offset + t] = (g * adv[t]!) / episodes.length;
    }
    offset += e.rewards.length;
  }
  const o = policy.obsTensor(obs);
  const a = policy.actionTensor(act);
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
