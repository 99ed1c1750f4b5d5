import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';

/**
 * The part of a policy the adaptation operators use, typed structurally so that any policy with
 * these two methods works: every `Policy` of `@bomrl/policies` satisfies it, and so does a
 * user's own class. Parameters are ONE flat float32 1-D tensor passed into every call.
 *
 * Both methods must be differentiable (twice, for the meta-gradient) with respect to their
 * parameter arguments and return tensors the caller owns.
 */
export interface PolicyLike {
  /** log pi_params(a_i | s_i) per sample, shape [B]. */
  logProb(params: Tensor1D, obs: Tensor, actions: Tensor): Tensor1D;
  /**
   * KL( pi_paramsP(. | s_i) || pi_paramsQ(. | s_i) ) per state, shape [B], in closed form.
   * Optional: without it the KL distances use the sample estimates described in the README.
   */
  kl?(paramsP: Tensor1D, paramsQ: Tensor1D, obs: Tensor): Tensor1D;
}
