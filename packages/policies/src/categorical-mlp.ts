import { Random, unpackParams } from '@bomrl/core';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import {
  checkBatch,
  checkParams,
  indexTensor,
  type NormalizerOption,
  prepareObs,
  resolveNormalizer,
  rowsTensor,
} from './common';
import { categoricalEntropy, categoricalKL, categoricalLogProb } from './distributions';
import { POLICY_FORMAT, POLICY_FORMAT_VERSION, type PolicyJSON } from './json';
import { glorotInit, mlpForward, mlpShapes } from './mlp';
import type { ObservationNormalizer } from './normalizer';
import type { CategoricalDistribution, DiscretePolicy } from './policy';
import { argmaxRows, sampleCategoricalRows } from './sampling';
import {
  type ErrorFactory,
  expectFinite,
  expectIndicesBelow,
  expectKnownKeys,
  expectPositiveInt,
  expectPositiveIntArray,
  expectRecord,
  expectTensor,
  typeError,
} from './validation';

/** Options of {@link CategoricalMLPPolicy}. */
export interface CategoricalMLPOptions {
  readonly obsDim: number;
  readonly numActions: number;
  /** Hidden layer sizes (tanh). Default [64, 64]. */
  readonly hidden?: readonly number[];
  /** Multiplier on the Glorot-uniform init of the output layer. Default 0.01 (near uniform). */
  readonly outputScale?: number;
  /**
   * Running observation normalizer: `true`, options for a new one, or an existing instance.
   * Default off.
   */
  readonly normalizer?: NormalizerOption;
}

/** The resolved architecture (what is saved as `config`). */
export interface CategoricalMLPConfig {
  readonly obsDim: number;
  readonly numActions: number;
  readonly hidden: readonly number[];
  readonly outputScale: number;
}

const KEYS = ['obsDim', 'numActions', 'hidden', 'outputScale'] as const;

/** Validates options (without `normalizer`) or a saved config, filling in defaults. */
export function resolveCategoricalMLPConfig(
  raw: unknown,
  name = 'CategoricalMLPPolicy',
  fail: ErrorFactory = typeError,
): CategoricalMLPConfig {
  const r = expectRecord(raw, name, fail);
  expectKnownKeys(r, KEYS, name, fail);
  return {
    obsDim: expectPositiveInt(r.obsDim, `${name}.obsDim`, fail),
    numActions: expectPositiveInt(r.numActions, `${name}.numActions`, fail),
    hidden: expectPositiveIntArray(r.hidden ?? [64, 64], `${name}.hidden`, fail),
    outputScale: expectFinite(r.outputScale ?? 0.01, `${name}.outputScale`, fail, { min: 0 }),
  };
}

/**
 * pi(a | s) = softmax(MLP(normalize(s)))[a], a tanh MLP with a linear logits head.
 *
 * Parameters, in order: for each layer its weight [in, out] (row-major) and bias [out], see
 * `paramShapes`. Observations: float32 `[B, obsDim]`. Actions: int32 `[B]`.
 */
export class CategoricalMLPPolicy implements DiscretePolicy {
  readonly kind = 'categorical-mlp' as const;
  readonly actionSpace = 'discrete' as const;
  readonly obsShape: readonly number[];
  readonly actionShape: readonly number[] = [];
  readonly config: CategoricalMLPConfig;
  readonly obsDim: number;
  readonly numActions: number;
  readonly paramShapes: readonly (readonly number[])[];
  readonly paramCount: number;
  /** The running observation normalizer, or null when observations are used as they are. */
  readonly normalizer: ObservationNormalizer | null;

  constructor(options: CategoricalMLPOptions) {
    const { normalizer, ...architecture } = options;
    this.config = resolveCategoricalMLPConfig(architecture);
    this.obsDim = this.config.obsDim;
    this.numActions = this.config.numActions;
    this.obsShape = [this.obsDim];
    this.paramShapes = mlpShapes(this.obsDim, this.config.hidden, this.numActions);
    this.paramCount = this.paramShapes.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
    this.normalizer = resolveNormalizer(normalizer, this.obsDim, 'CategoricalMLPPolicy');
  }

  describe(): string {
    const { obsDim, hidden, numActions } = this.config;
    return `a categorical-mlp with obsDim ${obsDim}, hidden [${hidden.join(',')}], numActions ${numActions}`;
  }

  init(seed: number): Tensor1D {
    const values = new Float32Array(this.paramCount);
    const { obsDim, hidden, numActions, outputScale } = this.config;
    glorotInit(values, obsDim, hidden, numActions, outputScale, new Random(seed));
    return tf.tensor1d(values, 'float32');
  }

  /** Action logits [B, numActions]. */
  logits(params: Tensor1D, obs: Tensor): Tensor2D {
    checkParams(params, this.paramCount, 'CategoricalMLPPolicy.logits', () => this.describe());
    return tf.tidy(() => {
      const x = prepareObs(obs, this.obsDim, this.normalizer, 'CategoricalMLPPolicy');
      return mlpForward(unpackParams(params, this.paramShapes), x);
    });
  }

  distribution(params: Tensor1D, obs: Tensor): CategoricalDistribution {
    return { kind: 'categorical', logits: this.logits(params, obs) };
  }

  logProb(params: Tensor1D, obs: Tensor, actions: Tensor): Tensor1D {
    expectTensor(actions, [null], 'int32', 'CategoricalMLPPolicy.logProb: actions');
    checkBatch(actions, obs.shape[0]!, 'CategoricalMLPPolicy.logProb');
    expectIndicesBelow(actions, this.numActions, 'CategoricalMLPPolicy.logProb: actions');
    return tf.tidy(() => categoricalLogProb(this.logits(params, obs), actions as Tensor1D));
  }

  entropy(params: Tensor1D, obs: Tensor): Tensor1D {
    return tf.tidy(() => categoricalEntropy(this.logits(params, obs)));
  }

  kl(paramsP: Tensor1D, paramsQ: Tensor1D, obs: Tensor): Tensor1D {
    return tf.tidy(() => categoricalKL(this.logits(paramsP, obs), this.logits(paramsQ, obs)));
  }

  sample(params: Tensor1D, obs: Tensor, rng: Random): Int32Array {
    const logits = this.logits(params, obs);
    const values = logits.dataSync();
    logits.dispose();
    return sampleCategoricalRows(values, obs.shape[0]!, this.numActions, rng);
  }

  mode(params: Tensor1D, obs: Tensor): Int32Array {
    const logits = this.logits(params, obs);
    const values = logits.dataSync();
    logits.dispose();
    return argmaxRows(values, obs.shape[0]!, this.numActions);
  }

  obsTensor(obs: ArrayLike<number>): Tensor2D {
    return rowsTensor(obs, this.obsDim, 'CategoricalMLPPolicy.obsTensor');
  }

  actionTensor(actions: ArrayLike<number>): Tensor1D {
    return indexTensor(actions, this.numActions, 'CategoricalMLPPolicy.actionTensor: actions');
  }

  toJSON(params: Tensor1D): PolicyJSON {
    checkParams(params, this.paramCount, 'CategoricalMLPPolicy.toJSON', () => this.describe());
    return {
      format: POLICY_FORMAT,
      version: POLICY_FORMAT_VERSION,
      kind: this.kind,
      config: { ...this.config, hidden: [...this.config.hidden] },
      params: Array.from(params.dataSync()),
      ...(this.normalizer ? { normalizer: this.normalizer.toJSON() } : {}),
    };
  }
}
