import { Rng, softmaxPolicy } from '@bomrl/core';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { CategoricalPolicyBase } from './categorical-base';
import { checkParams, indexTensor } from './common';
import type { PolicyJSON } from './json';
import type { DiscretePolicy } from './policy';
import { policyJSON } from './policy-json';
import {
  type ErrorFactory,
  expectFinite,
  expectIndicesBelow,
  expectKnownKeys,
  expectPositiveInt,
  expectRecord,
  expectTensor,
  typeError,
} from './validation';

/** Options of {@link TabularSoftmaxPolicy}. */
export type TabularSoftmaxOptions = TabularSize & {
  /** Every logit starts at this value (the paper's Frozen Lake runs use 0.1). Default 0. */
  readonly initLogit?: number;
  /** Standard deviation of Gaussian noise added to the initial logits. Default 0. */
  readonly initNoise?: number;
};

/** The table's size; `numStates` / `numActions` are the deprecated spellings (still accepted). */
export type TabularSize =
  | { readonly nStates: number; readonly nActions: number }
  | {
      /** @deprecated Use `nStates`. */
      readonly numStates: number;
      /** @deprecated Use `nActions`. */
      readonly numActions: number;
    };

/** The resolved configuration (what is saved). */
export interface TabularSoftmaxConfig {
  readonly nStates: number;
  readonly nActions: number;
  readonly initLogit: number;
  readonly initNoise: number;
}

const KEYS = ['nStates', 'nActions', 'initLogit', 'initNoise', 'numStates', 'numActions'] as const;

/** Validates options (or a saved config) and fills in defaults. */
export function resolveTabularSoftmaxConfig(
  raw: unknown,
  name = 'TabularSoftmaxPolicy',
  fail: ErrorFactory = typeError,
): TabularSoftmaxConfig {
  const r = expectRecord(raw, name, fail);
  expectKnownKeys(r, KEYS, name, fail);
  return {
    nStates: expectPositiveInt(r.nStates ?? r.numStates, `${name}.nStates`, fail),
    nActions: expectPositiveInt(r.nActions ?? r.numActions, `${name}.nActions`, fail),
    initLogit: expectFinite(r.initLogit ?? 0, `${name}.initLogit`, fail),
    initNoise: expectFinite(r.initNoise ?? 0, `${name}.initNoise`, fail, { min: 0 }),
  };
}

/**
 * pi(a | s) = softmax(theta[s, :])[a] with one logit per (state, action): the policy class of
 * the paper's tabular theory and Frozen Lake experiments.
 *
 * Parameters: the |S| x |A| logits table, row-major (`params[s * nActions + a]`).
 * Observations: int32 state indices `[B]`. Actions: int32 `[B]`.
 * Logits of a batch are `oneHot(states) @ table`, a matMul, so the backward pass is a matMul too
 * (exact to second order, no gather gradient involved).
 */
export class TabularSoftmaxPolicy extends CategoricalPolicyBase implements DiscretePolicy {
  readonly kind = 'tabular-softmax' as const;
  readonly obsShape: readonly number[] = [];
  readonly config: TabularSoftmaxConfig;
  readonly nStates: number;
  readonly paramShapes: readonly (readonly number[])[];
  readonly paramCount: number;

  constructor(options: TabularSoftmaxOptions) {
    const config = resolveTabularSoftmaxConfig(options);
    super(config.nActions, 'TabularSoftmaxPolicy');
    this.config = config;
    this.nStates = config.nStates;
    this.paramShapes = [[this.nStates, this.nActions]];
    this.paramCount = this.nStates * this.nActions;
  }

  /** @deprecated Use {@link TabularSoftmaxPolicy.nStates}. */
  get numStates(): number {
    return this.nStates;
  }

  describe(): string {
    return `a tabular-softmax with nStates ${this.nStates}, nActions ${this.nActions}`;
  }

  init(seed: number): Tensor1D {
    const { initLogit, initNoise } = this.config;
    const rng = new Rng(seed);
    const values = new Float32Array(this.paramCount);
    for (let i = 0; i < values.length; i++) {
      values[i] = initLogit + (initNoise > 0 ? initNoise * rng.normal() : 0);
    }
    return tf.tensor1d(values, 'float32');
  }

  /** The logits rows of the given states, [B, nActions]. */
  logits(params: Tensor1D, obs: Tensor): Tensor2D {
    this.checkInputs(params, obs, 'logits');
    return tf.tidy(() => {
      const table = tf.reshape(params, [this.nStates, this.nActions]) as Tensor2D;
      const select = tf.cast(tf.oneHot(obs as Tensor1D, this.nStates), 'float32') as Tensor2D;
      return tf.matMul(select, table);
    });
  }

  /** The whole policy table pi(a | s), [nStates, nActions] (differentiable). */
  probabilities(params: Tensor1D): Tensor2D {
    checkParams(params, this.paramCount, `${this.name}.probabilities`, () => this.describe());
    return tf.tidy(() => tf.softmax(tf.reshape(params, [this.nStates, this.nActions])) as Tensor2D);
  }

  /** All state indices 0..nStates-1 as int32 `[nStates]`, e.g. for a KL over every state. */
  stateIndices(): Tensor1D {
    return tf.range(0, this.nStates, 1, 'int32') as Tensor1D;
  }

  obsTensor(obs: ArrayLike<number>): Tensor1D {
    return indexTensor(obs, this.nStates, `${this.name}.obsTensor: obs`);
  }

  toJSON(params: Tensor1D): PolicyJSON {
    return policyJSON(this, this.name, params, { ...this.config });
  }

  /** State indices are checked up front: `logProb` reads their batch size before `logits` runs. */
  protected override checkInputs(params: Tensor1D, obs: Tensor, method: string): void {
    const name = `${this.name}.${method}`;
    checkParams(params, this.paramCount, name, () => this.describe());
    if (!(obs instanceof tf.Tensor)) throw new TypeError(`${name}: obs must be a tf.Tensor`);
    expectTensor(obs, [null], 'int32', `${name}: obs (state indices)`);
    expectIndicesBelow(obs, this.nStates, `${name}: obs`);
  }
}

/**
 * @deprecated Use `softmaxPolicy(logits, nStates, nActions)` from `@bomrl/core` (or
 * `@bomrl/envs/tabular`): the one float64 row softmax; this is the same function.
 */
export const softmaxTable = softmaxPolicy;
