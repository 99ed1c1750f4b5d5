import { choleskySolve } from '@bomrl/core';
import { type Trajectory, trajectoryLength } from './trajectory';

/** Options of {@link LinearFeatureBaseline}. */
export interface LinearFeatureBaselineOptions {
  /** Initial ridge coefficient (multiplied by 10 on each retry). Default 1e-5. */
  readonly ridge?: number;
  /** How many times to retry with a 10x larger ridge when the solve fails. Default 5. */
  readonly retries?: number;
  /** Time is fed as t / timeScale. Default 100. */
  readonly timeScale?: number;
  /** Observations are clipped to [-clip, clip] before featurization. Default 10. */
  readonly clip?: number;
}

/**
 * The linear feature baseline used by MAML, ProMP and garage: a ridge regression of the
 * discounted return-to-go on the features [obs, obs^2, t, t^2, t^3, 1] (t scaled by 1/100).
 * Fitted in float64; when the normal equations are singular or give NaN, the ridge is
 * increased tenfold and the solve retried.
 */
export class LinearFeatureBaseline {
  private coefficients: Float64Array | null = null;
  private readonly ridge: number;
  private readonly retries: number;
  private readonly timeScale: number;
  private readonly clip: number;

  constructor(options: LinearFeatureBaselineOptions = {}) {
    this.ridge = options.ridge ?? 1e-5;
    this.retries = options.retries ?? 5;
    this.timeScale = options.timeScale ?? 100;
    this.clip = options.clip ?? 10;
    if (!(this.ridge > 0))
      throw new RangeError(`LinearFeatureBaseline: ridge must be > 0, got ${this.ridge}`);
  }

  /** Number of features for an observation width. */
  static featureCount(obsDim: number): number {
    return 2 * obsDim + 4;
  }

  /** Writes the features of step `t` into `out` at `offset`. */
  private features(traj: Trajectory, t: number, out: Float64Array, offset: number): void {
    const d = traj.obsDim;
    for (let j = 0; j < d; j++) {
      const o = Math.max(-this.clip, Math.min(this.clip, traj.observations[t * d + j]!));
      out[offset + j] = o;
      out[offset + d + j] = o * o;
    }
    const s = t / this.timeScale;
    out[offset + 2 * d] = s;
    out[offset + 2 * d + 1] = s * s;
    out[offset + 2 * d + 2] = s * s * s;
    out[offset + 2 * d + 3] = 1;
  }

  /** Fits the coefficients to the discounted returns-to-go of `trajectories`. */
  fit(trajectories: readonly Trajectory[], gamma: number): void {
    if (trajectories.length === 0)
      throw new RangeError('LinearFeatureBaseline.fit: no trajectories');
    const obsDim = trajectories[0]!.obsDim;
    const k = LinearFeatureBaseline.featureCount(obsDim);
    const xtx = new Float64Array(k * k);
    const xty = new Float64Array(k);
    const row = new Float64Array(k);
    for (const traj of trajectories) {
      if (traj.obsDim !== obsDim) {
        throw new RangeError(
          `LinearFeatureBaseline.fit: mixed obsDim ${obsDim} and ${traj.obsDim}`,
        );
      }
      const returns = discountedReturns(traj.rewards, gamma);
      const n = trajectoryLength(traj);
      for (let t = 0; t < n; t++) {
        this.features(traj, t, row, 0);
        const y = returns[t]!;
        for (let a = 0; a < k; a++) {
          xty[a]! += row[a]! * y;
          for (let b = 0; b < k; b++) xtx[a * k + b]! += row[a]! * row[b]!;
        }
      }
    }
    let ridge = this.ridge;
    for (let attempt = 0; attempt <= this.retries; attempt++, ridge *= 10) {
      const w = solveSymmetric(xtx, xty, k, ridge);
      if (w?.every(Number.isFinite)) {
        this.coefficients = w;
        return;
      }
    }
    throw new Error(
      `LinearFeatureBaseline.fit: the ridge solve failed even with ridge ${ridge / 10}; check the data for NaN/Inf`,
    );
  }

  /** Predicted values for every step of `traj` (zeros before the first fit). */
  predict(traj: Trajectory): Float64Array {
    const n = trajectoryLength(traj);
    const out = new Float64Array(n);
    const w = this.coefficients;
    if (!w) return out;
    if (w.length !== LinearFeatureBaseline.featureCount(traj.obsDim)) {
      throw new RangeError('LinearFeatureBaseline.predict: obsDim differs from the fitted data');
    }
    const row = new Float64Array(w.length);
    for (let t = 0; t < n; t++) {
      this.features(traj, t, row, 0);
      let v = 0;
      for (let a = 0; a < w.length; a++) v += row[a]! * w[a]!;
      out[t] = v;
    }
    return out;
  }

  /** The fitted coefficients (null before fitting); JSON-friendly for checkpoints. */
  getCoefficients(): number[] | null {
    return this.coefficients ? Array.from(this.coefficients) : null;
  }

  /** Restores coefficients saved by {@link LinearFeatureBaseline.getCoefficients}. */
  setCoefficients(values: readonly number[] | null): void {
    this.coefficients = values ? Float64Array.from(values) : null;
  }
}

/** Discounted return-to-go G_t = sum_{k>=t} gamma^(k-t) r_k, in float64. */
export function discountedReturns(rewards: ArrayLike<number>, gamma: number): Float64Array {
  const out = new Float64Array(rewards.length);
  let acc = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    acc = rewards[t]! + gamma * acc;
    out[t] = acc;
  }
  return out;
}

/** Solves (A + ridge I) x = b for symmetric A by Cholesky; null if not positive definite. */
function solveSymmetric(
  a: Float64Array,
  b: Float64Array,
  n: number,
  ridge: number,
): Float64Array | null {
  const m = Float64Array.from(a);
  for (let i = 0; i < n; i++) m[i * n + i] = m[i * n + i]! + ridge;
  return choleskySolve(m, b, n);
}
