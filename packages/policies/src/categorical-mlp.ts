import { packParams, paramCount, Rng, sharedForward, unpackParams } from '@bomrl/core';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { CategoricalPolicyBase } from './categorical-base';
import { checkParams, prepareObs, resolveNormalizer, rowsTensor } from './common';
import type { PolicyJSON } from './json';
import { glorotInit, mlpForward, mlpShapes } from './mlp';
import { MlpJacobian, rowWeights } from './mlp-jacobian';
import {
  describeMLP,
  type MLPArchitecture,
  type MLPPolicyOptions,
  mlpPolicyJSON,
} from './mlp-policy';
import type { ObservationNormalizer } from './normalizer';
import type { DiscretePolicy, FisherOperator } from './policy';
import {
  type ErrorFactory,
  expectFinite,
  expectKnownKeys,
  expectPositiveInt,
  expectPositiveIntArray,
  expectRecord,
  typeError,
} from './validation';

/** Options of {@link CategoricalMLPPolicy}. */
export type CategoricalMLPOptions = MLPPolicyOptions &
  (
    | { readonly nActions: number }
    | {
        /** @deprecated Use `nActions`. */
        readonly numActions: number;
      }
  );

/** The resolved architecture (what is saved as `config`). */
export interface CategoricalMLPConfig extends MLPArchitecture {
  readonly nActions: number;
}

const KEYS = ['obsDim', 'nActions', 'hidden', 'outputScale', 'numActions'] as const;

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
    nActions: expectPositiveInt(r.nActions ?? r.numActions, `${name}.nActions`, fail),
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
export class CategoricalMLPPolicy extends CategoricalPolicyBase implements DiscretePolicy {
  readonly kind = 'categorical-mlp' as const;
  readonly obsShape: readonly number[];
  readonly config: CategoricalMLPConfig;
  readonly obsDim: number;
  readonly paramShapes: readonly (readonly number[])[];
  readonly paramCount: number;
  /** The running observation normalizer, or null when observations are used as they are. */
  readonly normalizer: ObservationNormalizer | null;

  constructor(options: CategoricalMLPOptions) {
    const { normalizer, ...architecture } = options;
    const config = resolveCategoricalMLPConfig(architecture);
    super(config.nActions, 'CategoricalMLPPolicy');
    this.config = config;
    this.obsDim = config.obsDim;
    this.obsShape = [this.obsDim];
    this.paramShapes = mlpShapes(this.obsDim, config.hidden, this.nActions);
    this.paramCount = paramCount(this.paramShapes);
    this.normalizer = resolveNormalizer(normalizer, this.obsDim, this.name);
  }

  describe(): string {
    return describeMLP(this.kind, this.config, `nActions ${this.nActions}`);
  }

  init(seed: number): Tensor1D {
    const values = new Float32Array(this.paramCount);
    const { obsDim, hidden, nActions, outputScale } = this.config;
    glorotInit(values, obsDim, hidden, nActions, outputScale, new Rng(seed));
    return tf.tensor1d(values, 'float32');
  }

  /** Action logits [B, nActions]. */
  logits(params: Tensor1D, obs: Tensor): Tensor2D {
    checkParams(params, this.paramCount, `${this.name}.logits`, () => this.describe());
    const [logits] = sharedForward(this, params, obs, () => [
      tf.tidy(() => {
        const x = prepareObs(obs, this.obsDim, this.normalizer, this.name);
        return mlpForward(unpackParams(params, this.paramShapes), x);
      }),
    ]);
    return logits;
  }

  /**
   * Fisher of the categorical in its logits, diag(p) - p p^T per state, pulled back through the
   * MLP's Jacobian.
   */
  fisher(params: Tensor1D, obs: Tensor, weights?: Tensor1D): FisherOperator {
    const name = `${this.name}.fisher`;
    checkParams(params, this.paramCount, name, () => this.describe());
    const batch = obs.shape[0]!;
    // tidy: unpacking and normalizing leave intermediate tensors (slices) behind
    const pieces = tf.tidy(() => unpackParams(params, this.paramShapes));
    const x = tf.tidy(() => prepareObs(obs, this.obsDim, this.normalizer, name));
    let jacobian: MlpJacobian;
    let probs: Tensor2D;
    let w: Tensor2D;
    try {
      jacobian = new MlpJacobian(pieces, x);
      probs = tf.softmax(jacobian.output);
      w = rowWeights(weights, batch, name);
    } finally {
      tf.dispose(pieces);
      if (x !== obs) x.dispose();
    }
    return {
      apply: (v) =>
        tf.tidy(() => {
          const dz = jacobian.jvp(unpackParams(v, this.paramShapes));
          const pdz = tf.mul(probs, dz);
          const g = tf.mul(w, tf.sub(pdz, tf.mul(probs, tf.sum(pdz, 1, true))));
          return packParams(jacobian.vjp(g as Tensor2D));
        }),
      dispose: () => {
        jacobian.dispose();
        tf.dispose([probs, w]);
      },
    };
  }

  obsTensor(obs: ArrayLike<number>): Tensor2D {
    return rowsTensor(obs, this.obsDim, `${this.name}.obsTensor`);
  }

  toJSON(params: Tensor1D): PolicyJSON {
    return mlpPolicyJSON(this, this.name, params);
  }
}
