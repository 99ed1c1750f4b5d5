import { packParams, paramCount, Rng, sharedForward, unpackParams } from '@bomrl/core';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { checkBatch, checkParams, prepareObs, resolveNormalizer, rowsTensor } from './common';
import { gaussianEntropy, gaussianKL, gaussianLogProb } from './distributions';
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
import type { ContinuousPolicy, DiagGaussianDistribution, FisherOperator } from './policy';
import { forEachRowBlock, sampleDiagGaussianRows } from './sampling';
import {
  type ErrorFactory,
  expectFinite,
  expectKnownKeys,
  expectPositiveInt,
  expectPositiveIntArray,
  expectRecord,
  expectTensor,
  typeError,
} from './validation';

/** Options of {@link GaussianMLPPolicy}. */
export interface GaussianMLPOptions extends MLPPolicyOptions {
  readonly actDim: number;
  /** Initial value of every log-std entry (the paper's locomotion runs use -0.7). Default 0. */
  readonly logStdInit?: number;
  /** Lower bound on the standard deviation: std = max(exp(logStd), minStd). Default 1e-6; 0 disables. */
  readonly minStd?: number;
}

/** The resolved architecture (what is saved as `config`). */
export interface GaussianMLPConfig extends MLPArchitecture {
  readonly actDim: number;
  readonly logStdInit: number;
  readonly minStd: number;
}

const KEYS = ['obsDim', 'actDim', 'hidden', 'logStdInit', 'minStd', 'outputScale'] as const;

/** Validates options (without `normalizer`) or a saved config, filling in defaults. */
export function resolveGaussianMLPConfig(
  raw: unknown,
  name = 'GaussianMLPPolicy',
  fail: ErrorFactory = typeError,
): GaussianMLPConfig {
  const r = expectRecord(raw, name, fail);
  expectKnownKeys(r, KEYS, name, fail);
  const config = {
    obsDim: expectPositiveInt(r.obsDim, `${name}.obsDim`, fail),
    actDim: expectPositiveInt(r.actDim, `${name}.actDim`, fail),
    hidden: expectPositiveIntArray(r.hidden ?? [64, 64], `${name}.hidden`, fail),
    logStdInit: expectFinite(r.logStdInit ?? 0, `${name}.logStdInit`, fail),
    minStd: expectFinite(r.minStd ?? 1e-6, `${name}.minStd`, fail, { min: 0 }),
    outputScale: expectFinite(r.outputScale ?? 0.01, `${name}.outputScale`, fail, { min: 0 }),
  };
  if (config.minStd > 0 && Math.exp(config.logStdInit) < config.minStd) {
    throw fail(
      `${name}.logStdInit ${config.logStdInit} gives std ${Math.exp(config.logStdInit)}, below minStd ${config.minStd}`,
    );
  }
  return config;
}

/**
 * pi(a | s) = N(a; mu(s), diag(sigma^2)) with mu a tanh MLP of the (optionally normalized)
 * observation and sigma state-independent: sigma_d = max(exp(logStd_d), minStd).
 *
 * The minimum is a hard clamp on the log-std (`maximum(logStd, log(minStd))`), as in garage and
 * ProMP. It is twice differentiable everywhere except at the kink; where an entry is clamped its
 * first and second derivatives are exactly zero (that entry no longer moves the policy), which
 * is the honest derivative of the clamped function. Keep `minStd` well below the stds you
 * expect so the clamp is inactive in normal operation.
 *
 * Parameters, in order: the mean MLP's weights and biases (see `paramShapes`), then the log-std
 * vector [actDim]. Observations: float32 `[B, obsDim]`. Actions: float32 `[B, actDim]`.
 */
export class GaussianMLPPolicy implements ContinuousPolicy {
  readonly kind = 'gaussian-mlp' as const;
  readonly actionSpace = 'continuous' as const;
  readonly obsShape: readonly number[];
  readonly actionShape: readonly number[];
  readonly config: GaussianMLPConfig;
  readonly obsDim: number;
  readonly actDim: number;
  readonly paramShapes: readonly (readonly number[])[];
  readonly paramCount: number;
  /** The running observation normalizer, or null when observations are used as they are. */
  readonly normalizer: ObservationNormalizer | null;
  private readonly meanShapes: number[][];

  constructor(options: GaussianMLPOptions) {
    const { normalizer, ...architecture } = options;
    this.config = resolveGaussianMLPConfig(architecture);
    this.obsDim = this.config.obsDim;
    this.actDim = this.config.actDim;
    this.obsShape = [this.obsDim];
    this.actionShape = [this.actDim];
    this.meanShapes = mlpShapes(this.obsDim, this.config.hidden, this.actDim);
    this.paramShapes = [...this.meanShapes, [this.actDim]];
    this.paramCount = paramCount(this.paramShapes);
    this.normalizer = resolveNormalizer(normalizer, this.obsDim, 'GaussianMLPPolicy');
  }

  describe(): string {
    return describeMLP(this.kind, this.config, `actDim ${this.actDim}`);
  }

  init(seed: number): Tensor1D {
    const values = new Float32Array(this.paramCount);
    const { obsDim, hidden, actDim, outputScale, logStdInit } = this.config;
    const written = glorotInit(values, obsDim, hidden, actDim, outputScale, new Rng(seed));
    values.fill(logStdInit, written);
    return tf.tensor1d(values, 'float32');
  }

  distribution(params: Tensor1D, obs: Tensor): DiagGaussianDistribution {
    checkParams(params, this.paramCount, 'GaussianMLPPolicy', () => this.describe());
    const [mean, logStd] = sharedForward(this, params, obs, () =>
      tf.tidy(() => {
        const pieces = unpackParams(params, this.paramShapes);
        const x = prepareObs(obs, this.obsDim, this.normalizer, 'GaussianMLPPolicy');
        const mu = mlpForward(pieces.slice(0, -1), x);
        let ls = pieces[pieces.length - 1] as Tensor1D;
        if (this.config.minStd > 0) ls = tf.maximum(ls, Math.log(this.config.minStd));
        return [mu, ls] as [Tensor2D, Tensor1D];
      }),
    );
    return { kind: 'diag-gaussian', mean, logStd };
  }

  logProb(params: Tensor1D, obs: Tensor, actions: Tensor): Tensor1D {
    expectTensor(actions, [null, this.actDim], 'float32', 'GaussianMLPPolicy.logProb: actions');
    checkBatch(actions, obs.shape[0]!, 'GaussianMLPPolicy.logProb');
    return tf.tidy(() => {
      const { mean, logStd } = this.distribution(params, obs);
      return gaussianLogProb(mean, logStd, actions as Tensor2D);
    });
  }

  entropy(params: Tensor1D, obs: Tensor): Tensor1D {
    return tf.tidy(() => {
      const { logStd } = this.distribution(params, obs);
      return gaussianEntropy(logStd, obs.shape[0]!);
    });
  }

  kl(paramsP: Tensor1D, paramsQ: Tensor1D, obs: Tensor): Tensor1D {
    return tf.tidy(() => {
      const p = this.distribution(paramsP, obs);
      const q = this.distribution(paramsQ, obs);
      return gaussianKL(p.mean, p.logStd, q.mean, q.logStd);
    });
  }

  /**
   * Fisher of the diagonal Gaussian in (mean, log-std): diag(1/sigma^2) for the mean and 2 for
   * each log-std (mean and log-std do not mix), pulled back through the mean MLP's Jacobian.
   * A log-std entry held at the minStd clamp has zero Fisher (it does not move the policy),
   * exactly as the Hessian of the clamped KL.
   */
  fisher(params: Tensor1D, obs: Tensor, weights?: Tensor1D): FisherOperator {
    checkParams(params, this.paramCount, 'GaussianMLPPolicy', () => this.describe());
    const batch = obs.shape[0]!;
    // tidy: unpacking and normalizing leave intermediate tensors (slices) behind
    const pieces = tf.tidy(() => unpackParams(params, this.paramShapes));
    const x = tf.tidy(() =>
      prepareObs(obs, this.obsDim, this.normalizer, 'GaussianMLPPolicy.fisher'),
    );
    let jacobian: MlpJacobian;
    let meanScale: Tensor2D;
    let logStdScale: Tensor1D;
    try {
      jacobian = new MlpJacobian(pieces.slice(0, -1), x);
      [meanScale, logStdScale] = tf.tidy(() => {
        const w = rowWeights(weights, batch, 'GaussianMLPPolicy.fisher');
        const logStd = pieces[pieces.length - 1] as Tensor1D;
        const floor = this.config.minStd > 0 ? Math.log(this.config.minStd) : -Infinity;
        // tfjs's maximum passes the gradient to its first argument where a >= b: same mask
        const free = tf.cast(tf.greaterEqual(logStd, floor), 'float32');
        const invVar = tf.exp(tf.mul(-2, tf.maximum(logStd, floor)));
        return [
          tf.mul(w, tf.reshape(invVar, [1, this.actDim])) as Tensor2D,
          tf.mul(tf.mul(2, tf.sum(w)), free) as Tensor1D,
        ];
      });
    } finally {
      tf.dispose(pieces);
      if (x !== obs) x.dispose();
    }
    return {
      apply: (v) =>
        tf.tidy(() => {
          const pieces = unpackParams(v, this.paramShapes);
          const dMean = jacobian.jvp(pieces.slice(0, -1));
          const grads = jacobian.vjp(tf.mul(dMean, meanScale) as Tensor2D);
          return packParams([...grads, tf.mul(pieces[pieces.length - 1]!, logStdScale)]);
        }),
      dispose: () => {
        jacobian.dispose();
        tf.dispose([meanScale, logStdScale]);
      },
    };
  }

  sample(params: Tensor1D, obs: Tensor, rng: Rng | readonly Rng[]): Float32Array {
    const { mean, logStd } = this.distribution(params, obs);
    const mu = mean.dataSync();
    const std = Float64Array.from(logStd.dataSync(), Math.exp);
    mean.dispose();
    logStd.dispose();
    const d = this.actDim;
    const out = new Float32Array(obs.shape[0]! * d);
    forEachRowBlock(obs.shape[0]!, rng, (first, rows, g) => {
      const block = mu.subarray(first * d, (first + rows) * d);
      out.set(sampleDiagGaussianRows(block, std, rows, d, g), first * d);
    });
    return out;
  }

  mode(params: Tensor1D, obs: Tensor): Float32Array {
    const { mean, logStd } = this.distribution(params, obs);
    const mu = Float32Array.from(mean.dataSync());
    mean.dispose();
    logStd.dispose();
    return mu;
  }

  obsTensor(obs: ArrayLike<number>): Tensor2D {
    return rowsTensor(obs, this.obsDim, 'GaussianMLPPolicy.obsTensor');
  }

  actionTensor(actions: ArrayLike<number>): Tensor2D {
    return rowsTensor(actions, this.actDim, 'GaussianMLPPolicy.actionTensor');
  }

  toJSON(params: Tensor1D): PolicyJSON {
    return mlpPolicyJSON(this, 'GaussianMLPPolicy', params);
  }
}
