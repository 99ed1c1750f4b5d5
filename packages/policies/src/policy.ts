import type { ParamShapes, Rng } from '@bomrl/core';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import type { PolicyJSON } from './json';

/** The policy classes this package implements (also the `kind` field of saved policies). */
export type PolicyKind = 'tabular-softmax' | 'categorical-mlp' | 'gaussian-mlp';

/** Actions as a sampler hands them to environments: discrete indices or row-major vectors. */
export type ActionArray = Int32Array | Float32Array;

/** A batch of categorical distributions, one row of unnormalized log-probabilities per state. */
export interface CategoricalDistribution {
  readonly kind: 'categorical';
  /** [B, nActions]. */
  readonly logits: Tensor2D;
}

/** A batch of diagonal Gaussians with a state-independent standard deviation. */
export interface DiagGaussianDistribution {
  readonly kind: 'diag-gaussian';
  /** [B, actDim]. */
  readonly mean: Tensor2D;
  /** [actDim], after the minimum-std clamp: the log-std actually used. */
  readonly logStd: Tensor1D;
}

/** What {@link Policy.distribution} returns. */
export type PolicyDistribution = CategoricalDistribution | DiagGaussianDistribution;

/**
 * Fisher-vector products of a policy at fixed parameters on fixed observations, built once and
 * applied many times (a conjugate-gradient solve's worth). Hold it only as long as the solve
 * runs, then {@link FisherOperator.dispose} it: it caches activations of the whole batch.
 */
export interface FisherOperator {
  /**
   * F v, where F is the Hessian at x = params of sum_i w_i KL(pi_params(.|s_i) || pi_x(.|s_i))
   * (w_i the operator's row weights): the Fisher information, computed analytically as
   * J^T M J with J the Jacobian of the distribution parameters and M the distribution's Fisher.
   * Returns a tensor the caller owns.
   */
  apply(v: Tensor1D): Tensor1D;
  /** Frees the cached activations. */
  dispose(): void;
}

/**
 * A stochastic policy pi_params(a | s) whose parameters are ONE flat float32 1-D tensor passed
 * into every call (functional style), so that gradients and Hessian-vector products with
 * respect to the parameters are plain `@bomrl/core` calls on a function of a Tensor1D.
 *
 * Observations and actions are tensors whose layout depends on the policy, which lets
 * algorithms (adaptation operators, samplers) treat every policy alike:
 * - observations: `obsShape` per sample, batched in front. Tabular: int32 `[B]` state indices;
 *   MLP policies: float32 `[B, obsDim]`.
 * - actions: `actionShape` per sample. Discrete: int32 `[B]`; continuous: float32 `[B, actDim]`.
 * Use {@link Policy.obsTensor} / {@link Policy.actionTensor} to build them from plain arrays.
 *
 * Every tensor-returning method is differentiable twice with respect to `params` (through
 * `@bomrl/core`'s second-order-correct gradients), leaves no intermediate tensors behind, and
 * returns tensors the caller owns (dispose them, or call inside `tf.tidy`).
 *
 * @typeParam TAction what {@link Policy.sample} and {@link Policy.mode} return.
 */
export interface Policy<TAction extends ActionArray = ActionArray> {
  readonly kind: PolicyKind;
  readonly actionSpace: TAction extends Int32Array ? 'discrete' : 'continuous';
  /** Shape of ONE observation: `[]` (a state index) or `[obsDim]`. */
  readonly obsShape: readonly number[];
  /** Shape of ONE action: `[]` (an index) or `[actDim]`. */
  readonly actionShape: readonly number[];
  /** Shapes of the pieces of the flat parameter vector, in order (see each class). */
  readonly paramShapes: ParamShapes;
  /** Length of the flat parameter vector. */
  readonly paramCount: number;

  /** Initial parameters, deterministic in `seed` (same numbers on every backend). */
  init(seed: number): Tensor1D;
  /** The action distribution at each observation. */
  distribution(params: Tensor1D, obs: Tensor): PolicyDistribution;
  /** log pi(a_i | s_i) per sample, shape [B]. */
  logProb(params: Tensor1D, obs: Tensor, actions: Tensor): Tensor1D;
  /** Entropy of pi(. | s_i) per state, shape [B]. */
  entropy(params: Tensor1D, obs: Tensor): Tensor1D;
  /**
   * KL( pi_paramsP(. | s_i) || pi_paramsQ(. | s_i) ) per state, shape [B], in closed form.
   * Both arguments are differentiable; the reverse direction is `kl(paramsQ, paramsP, obs)`.
   */
  kl(paramsP: Tensor1D, paramsQ: Tensor1D, obs: Tensor): Tensor1D;
  /**
   * Optional: an analytic {@link FisherOperator} at `params` on `obs`, with row weights
   * `weights` [B] (default 1/B each, i.e. the mean KL). Where a policy lacks it, callers take
   * Hessian-vector products of the mean KL instead (same numbers, slower).
   */
  fisher?(params: Tensor1D, obs: Tensor, weights?: Tensor1D): FisherOperator;
  /**
   * One action per observation drawn with `rng` (not differentiable; for stepping envs).
   * With an array of k generators the rows form k equal consecutive blocks, block j drawn with
   * `rng[j]` exactly as `sample` on that block alone would draw it: one forward pass serves
   * several independently seeded streams (e.g. every task's envs under shared parameters).
   */
  sample(params: Tensor1D, obs: Tensor, rng: Rng | readonly Rng[]): TAction;
  /** The most likely action per observation (argmax / mean), for evaluation. */
  mode(params: Tensor1D, obs: Tensor): TAction;
  /** Observations tensor from plain numbers (row-major for vectors); checks the length. */
  obsTensor(obs: ArrayLike<number>): Tensor;
  /** Actions tensor from plain numbers (e.g. what `sample` returned); checks the length. */
  actionTensor(actions: ArrayLike<number>): Tensor;
  /** A versioned JSON document with architecture, parameters and normalizer. */
  toJSON(params: Tensor1D): PolicyJSON;
  /** One line naming the architecture, e.g. "a gaussian-mlp with obsDim 17, hidden [64,64], actDim 6". */
  describe(): string;
}

/** A policy over a finite action set. */
export type DiscretePolicy = Policy<Int32Array> & { readonly nActions: number };

/** A policy over real action vectors. */
export type ContinuousPolicy = Policy<Float32Array> & { readonly actDim: number };
