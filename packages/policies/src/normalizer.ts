import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import {
  type ErrorFactory,
  expectFinite,
  expectFiniteArray,
  expectKnownKeys,
  expectPositiveInt,
  expectRecord,
  shapeString,
  typeError,
} from './validation';

/** Options of {@link ObservationNormalizer}. */
export interface NormalizerOptions {
  /** Normalized observations are clipped to [-clip, clip]. Default 10. */
  readonly clip?: number;
  /** Added to the variance before the square root. Default 1e-8. */
  readonly epsilon?: number;
}

/** The normalizer as saved inside a policy's JSON. */
export interface NormalizerJSON {
  readonly count: number;
  readonly mean: number[];
  readonly var: number[];
  readonly clip: number;
  readonly epsilon: number;
}

/**
 * Running mean and variance of observations (Chan et al.'s parallel Welford update, float64),
 * applied as `clip((obs - mean) / sqrt(var + epsilon), -clip, clip)`.
 *
 * The statistics change only through an explicit {@link ObservationNormalizer.update}: never
 * inside `logProb` or `sample`, because a policy whose function silently changed between two
 * calls would break importance ratios, KL terms and the implicit meta-gradient. Inside the
 * forward pass the statistics are constants (no gradient flows into them). Freeze them (stop
 * calling `update`) while adapting or differentiating.
 *
 * Before the first update the normalizer is the identity up to clipping (mean 0, var 1).
 */
export class ObservationNormalizer {
  readonly clip: number;
  readonly epsilon: number;
  private n = 0;
  private readonly mu: Float64Array;
  private readonly v: Float64Array;

  constructor(
    readonly dim: number,
    options: NormalizerOptions = {},
  ) {
    expectPositiveInt(dim, 'ObservationNormalizer: dim', typeError);
    this.clip = expectFinite(options.clip ?? 10, 'ObservationNormalizer: clip', typeError, {
      positive: true,
    });
    this.epsilon = expectFinite(
      options.epsilon ?? 1e-8,
      'ObservationNormalizer: epsilon',
      typeError,
      {
        positive: true,
      },
    );
    this.mu = new Float64Array(dim);
    this.v = new Float64Array(dim).fill(1);
  }

  /** Number of observations seen. */
  get count(): number {
    return this.n;
  }

  /** Running mean (a copy). */
  get mean(): Float64Array {
    return Float64Array.from(this.mu);
  }

  /** Running population variance (a copy; all ones before the first update). */
  get variance(): Float64Array {
    return Float64Array.from(this.v);
  }

  /** Adds a batch of observations: a [B, dim] tensor or B * dim row-major numbers. */
  update(batch: Tensor2D | ArrayLike<number>): void {
    let data: ArrayLike<number>;
    if (batch instanceof tf.Tensor) {
      if (batch.rank !== 2 || batch.shape[1] !== this.dim) {
        throw new RangeError(
          `ObservationNormalizer.update: batch must have shape [B, ${this.dim}], got ${shapeString(batch.shape)}`,
        );
      }
      data = batch.dataSync();
    } else {
      data = batch;
    }
    if (data.length % this.dim !== 0) {
      throw new RangeError(
        `ObservationNormalizer.update: ${data.length} numbers is not a whole number of ${this.dim}-dimensional observations`,
      );
    }
    const m = data.length / this.dim;
    if (m === 0) return;
    const total = this.n + m;
    for (let d = 0; d < this.dim; d++) {
      let bMean = 0;
      for (let i = 0; i < m; i++) bMean += data[i * this.dim + d]!;
      bMean /= m;
      let bM2 = 0;
      for (let i = 0; i < m; i++) bM2 += (data[i * this.dim + d]! - bMean) ** 2;
      if (!Number.isFinite(bMean) || !Number.isFinite(bM2)) {
        throw new RangeError(`ObservationNormalizer.update: non-finite value in dimension ${d}`);
      }
      const delta = bMean - this.mu[d]!;
      // With n = 0 the old variance (the placeholder 1) gets weight 0.
      const m2 = this.v[d]! * this.n + bM2 + (delta * delta * this.n * m) / total;
      this.mu[d] = this.mu[d]! + (delta * m) / total;
      this.v[d] = m2 / total;
    }
    this.n = total;
  }

  /** Normalized observations as a constant (use inside the policy's forward pass). */
  normalize(obs: Tensor2D): Tensor2D {
    return tf.tidy(() => {
      const mean = tf.tensor1d(Float32Array.from(this.mu));
      const invStd = tf.tensor1d(Float32Array.from(this.v, (x) => 1 / Math.sqrt(x + this.epsilon)));
      const z: Tensor = tf.mul(tf.sub(obs, mean), invStd);
      return tf.clipByValue(z, -this.clip, this.clip) as Tensor2D;
    });
  }

  /** A deep copy. */
  clone(): ObservationNormalizer {
    return ObservationNormalizer.fromJSON(this.toJSON(), this.dim);
  }

  /** Plain JSON (exact: the float64 statistics are written as they are). */
  toJSON(): NormalizerJSON {
    return {
      count: this.n,
      mean: Array.from(this.mu),
      var: Array.from(this.v),
      clip: this.clip,
      epsilon: this.epsilon,
    };
  }

  /**
   * Restores a normalizer, checking every field; `dim` is the observation size it must have.
   * @param name prefix for error messages
   */
  static fromJSON(
    json: unknown,
    dim: number,
    name = 'ObservationNormalizer.fromJSON',
    fail: ErrorFactory = typeError,
  ): ObservationNormalizer {
    const r = expectRecord(json, name, fail);
    expectKnownKeys(r, ['count', 'mean', 'var', 'clip', 'epsilon'], name, fail);
    const count = r.count;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
      throw fail(`${name}.count must be a non-negative integer, got ${String(count)}`);
    }
    const mean = expectFiniteArray(r.mean, `${name}.mean`, fail, dim);
    const variance = expectFiniteArray(r.var, `${name}.var`, fail, dim);
    const negative = variance.findIndex((x) => x < 0);
    if (negative >= 0)
      throw fail(`${name}.var[${negative}] must be >= 0, got ${variance[negative]}`);
    const clip = expectFinite(r.clip, `${name}.clip`, fail, { positive: true });
    const epsilon = expectFinite(r.epsilon, `${name}.epsilon`, fail, { positive: true });
    const out = new ObservationNormalizer(dim, { clip, epsilon });
    out.n = count;
    out.mu.set(mean);
    out.v.set(variance);
    return out;
  }
}
