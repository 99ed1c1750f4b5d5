import type { Rng } from '@bomrl/core';
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { PolicyJSON } from './json';
import type { ActionArray, Policy, PolicyDistribution } from './policy';

/**
 * A policy bundled with its current parameters, for code that does not need the functional
 * form (rollouts, evaluation, checkpoints). It owns a private copy of the parameters; call
 * {@link StatefulPolicy.dispose} when done. For gradients, use the underlying `policy` with
 * `params` explicitly.
 */
export class StatefulPolicy<TAction extends ActionArray = ActionArray> {
  private current: Tensor1D;

  /** @param params copied, so the caller keeps ownership of the tensor passed in */
  constructor(
    readonly policy: Policy<TAction>,
    params: Tensor1D,
  ) {
    this.current = this.adopt(params);
  }

  /** A wrapper around freshly initialized parameters. */
  static init<T extends ActionArray>(policy: Policy<T>, seed: number): StatefulPolicy<T> {
    const params = policy.init(seed);
    const out = new StatefulPolicy(policy, params);
    params.dispose();
    return out;
  }

  /** The current parameters (owned by this wrapper: do not dispose; clone to keep). */
  get params(): Tensor1D {
    return this.current;
  }

  /** Replaces the parameters with a copy of `params`. */
  setParams(params: Tensor1D): void {
    const next = this.adopt(params);
    this.current.dispose();
    this.current = next;
  }

  distribution(obs: Tensor): PolicyDistribution {
    return this.policy.distribution(this.current, obs);
  }

  logProb(obs: Tensor, actions: Tensor): Tensor1D {
    return this.policy.logProb(this.current, obs, actions);
  }

  entropy(obs: Tensor): Tensor1D {
    return this.policy.entropy(this.current, obs);
  }

  /** KL(pi_this || pi_other) per state. */
  klTo(otherParams: Tensor1D, obs: Tensor): Tensor1D {
    return this.policy.kl(this.current, otherParams, obs);
  }

  sample(obs: Tensor, rng: Rng): TAction {
    return this.policy.sample(this.current, obs, rng);
  }

  mode(obs: Tensor): TAction {
    return this.policy.mode(this.current, obs);
  }

  toJSON(): PolicyJSON {
    return this.policy.toJSON(this.current);
  }

  /** Frees the parameter tensor. */
  dispose(): void {
    this.current.dispose();
  }

  private adopt(params: Tensor1D): Tensor1D {
    if (
      !(params instanceof tf.Tensor) ||
      params.rank !== 1 ||
      params.size !== this.policy.paramCount
    ) {
      throw new RangeError(
        `StatefulPolicy: params must be a 1-D tensor of ${this.policy.paramCount} entries for ${this.policy.describe()}`,
      );
    }
    return tf.keep(tf.clone(params));
  }
}
