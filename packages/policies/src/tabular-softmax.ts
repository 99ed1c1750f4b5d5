import { Random } from '@bomrl/core';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { CategoricalPolicyBase } from './categorical-base';
import { checkParams, indexTensor } from './common';
import type { PolicyJSON } from './json';
import type { DiscretePolicy } from './policy';
import { policyJSON } from './policy-json';
import { softmaxRows } from './sampling';
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
export interface TabularSoftmaxOptions {
  readonly numStates: number;
  readonly numActions: number;
  /** Every logit starts at this value (the paper's Frozen Lake runs use 0.1). Default 0. */
  readonly initLogit?: number;
  /** Standard deviation of Gaussian noise added to the initial logits. Default 0. */
  readonly initNoise?: number;
}

/** The resolved configuration (what is saved). */
export type TabularSoftmaxConfig = Required<TabularSoftmaxOptions>;

const KEYS = ['numStates', 'numActions', 'initLogit', 'initNoise'] as const;

/** Validates options (or a saved config) and fills in defaults. */
export function resolveTabularSoftmaxConfig(
  raw: unknown,
  name = 'TabularSoftmaxPolicy',
  fail: ErrorFactory = typeError,
): TabularSoftmaxConfig {
  const r = expectRecord(raw, name, fail);
  expectKnownKeys(r, KEYS, name, fail);
  return {
    numStates: expectPositiveInt(r.numStates, `${name}.numStates`, fail),
    numActions: expectPositiveInt(r.numActions, `${name}.numActions`, fail),
    initLogit: expectFinite(r.initLogit ?? 0, `${name}.initLogit`, fail),
    initNoise: expectFinite(r.initNoise ?? 0, `${name}.initNoise`, fail, { min: 0 }),
  };
}

/**
 * pi(a | s) = softmax(theta[s, :])[a] with one logit per (state, action): the policy class of
 * the paper's tabular theory and Frozen Lake experiments.
 *
 * Parameters: the |S| x |A| logits table, row-major (`params[s * numActions + a]`).
 * Observations: int32 state indices `[B]`. Actions: int32 `[B]`.
 * Logits of a batch are `oneHot(states) @ table`, a matMul, so the backward pass is a matMul too
 * (exact to second order, no gather gradient involved).
 */
export class TabularSoftmaxPolicy extends CategoricalPolicyBase implements DiscretePolicy {
  readonly kind = 'tabular-softmax' as const;
  readonly obsShape: readonly number[] = [];
  readonly config: TabularSoftmaxConfig;
  readonly numStates: number;
  readonly paramShapes: readonly (readonly number[])[];
  readonly paramCount: number;

  constructor(options: TabularSoftmaxOptions) {
    const config = resolveTabularSoftmaxConfig(options);
    super(config.numActions, 'TabularSoftmaxPolicy');
    this.config = config;
    this.numStates = config.numStates;
    this.paramShapes = [[this.numStates, this.numActions]];
    this.paramCount = this.numStates * this.numActions;
  }

  describe(): string {
    return `a tabular-softmax with numStates ${this.numStates}, numActions ${this.numActions}`;
  }

  init(seed: number): Tensor1D {
    const { initLogit, initNoise } = this.config;
    const rng = new Random(seed);
    const values = new Float32Array(this.paramCount);
    for (let i = 0; i < values.length; i++) {
      values[i] = initLogit + (initNoise > 0 ? initNoise * rng.normal() : 0);
    }
    return tf.tensor1d(values, 'float32');
  }

  /** The logits rows of the given states, [B, numActions]. */
  logits(params: Tensor1D, obs: Tensor): Tensor2D {
    this.checkInputs(params, obs, 'logits');
    return tf.tidy(() => {
      const table = tf.reshape(params, [this.numStates, this.numActions]) as Tensor2D;
      const select = tf.cast(tf.oneHot(obs as Tensor1D, this.numStates), 'float32') as Tensor2D;
      return tf.matMul(select, table);
    });
  }

  /** The whole policy table pi(a | s), [numStates, numActions] (differentiable). */
  probabilities(params: Tensor1D): Tensor2D {
    checkParams(params, this.paramCount, `${this.name}.probabilities`, () => this.describe());
    return tf.tidy(
      () => tf.softmax(tf.reshape(params, [this.numStates, this.numActions])) as Tensor2D,
    );
  }

  /** All state indices 0..numStates-1 as int32 `[numStates]`, e.g. for a KL over every state. */
  stateIndices(): Tensor1D {
    return tf.range(0, this.numStates, 1, 'int32') as Tensor1D;
  }

  obsTensor(obs: ArrayLike<number>): Tensor1D {
    return indexTensor(obs, this.numStates, `${this.name}.obsTensor: obs`);
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
    expectIndicesBelow(obs, this.numStates, `${name}: obs`);
  }
}

/**
 * Float64 probability table from a row-major |S| x |A| logits array (plain JavaScript, for
 * exact tabular computations that must not go through float32).
 */
export function softmaxTable(
  logits: ArrayLike<number>,
  numStates: number,
  numActions: number,
): Float64Array {
  return softmaxRows(logits, numStates, numActions);
}
