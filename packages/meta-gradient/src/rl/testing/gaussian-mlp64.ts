import { choleskySolve } from '@bomrl/core';
import { solveDenseSystem } from '../../implicit/linear-solvers';

/**
 * Test references for the sampled meta-gradient on a Gaussian MLP policy, in float64 plain
 * TypeScript: the policy's log-density and KL (the same parameter layout as
 * `@bomrl/policies`' GaussianMLPPolicy: per layer weight [in, out] row-major then bias, tanh
 * hidden layers, then the log-std vector; minStd clamp inactive), and a float64 Newton solver
 * with finite-difference derivatives. Never exported.
 */

export interface GaussianMLP64 {
  readonly obsDim: number;
  readonly hidden: readonly number[];
  readonly actDim: number;
}

/** mu(s) and log sigma of the policy with flat parameters p. */
export function meanAndLogStd(
  net: GaussianMLP64,
  p: ArrayLike<number>,
  obs: ArrayLike<number>,
): { mean: Float64Array; logStd: Float64Array } {
  const sizes = [net.obsDim, ...net.hidden, net.actDim];
  let x = Float64Array.from(obs);
  let o = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l]!;
    const fanOut = sizes[l + 1]!;
    const y = new Float64Array(fanOut);
    for (let j = 0; j < fanOut; j++) {
      let s = 0;
      for (let i = 0; i < fanIn; i++) s += x[i]! * p[o + i * fanOut + j]!;
      y[j] = s + p[o + fanIn * fanOut + j]!;
    }
    o += fanIn * fanOut + fanOut;
    x = l + 2 < sizes.length ? y.map(Math.tanh) : y;
  }
  return { mean: x, logStd: Float64Array.from({ length: net.actDim }, (_, d) => p[o + d]!) };
}

/** log N(a; mu(s), diag(sigma^2)). */
export function logProb64(
  net: GaussianMLP64,
  p: ArrayLike<number>,
  obs: ArrayLike<number>,
  action: ArrayLike<number>,
): number {
  const { mean, logStd } = meanAndLogStd(net, p, obs);
  let lp = 0;
  for (let d = 0; d < net.actDim; d++) {
    const z = (action[d]! - mean[d]!) / Math.exp(logStd[d]!);
    lp += -0.5 * z * z - logStd[d]! - 0.5 * Math.log(2 * Math.PI);
  }
  return lp;
}

/** KL(pi_p(.|s) || pi_q(.|s)) between diagonal Gaussians. */
export function kl64(
  net: GaussianMLP64,
  p: ArrayLike<number>,
  q: ArrayLike<number>,
  obs: ArrayLike<number>,
): number {
  const P = meanAndLogStd(net, p, obs);
  const Q = meanAndLogStd(net, q, obs);
  let kl = 0;
  for (let d = 0; d < net.actDim; d++) {
    const logRatio = P.logStd[d]! - Q.logStd[d]!;
    const meanTerm = (P.mean[d]! - Q.mean[d]!) ** 2 * Math.exp(-2 * Q.logStd[d]!);
    kl += 0.5 * (Math.exp(2 * logRatio) + meanTerm) - logRatio - 0.5;
  }
  return kl;
}

/** Central-difference gradient of f at x (step h). */
export function gradient64(
  f: (x: Float64Array) => number,
  x: Float64Array,
  h = 1e-5,
): Float64Array {
  const g = new Float64Array(x.length);
  const y = Float64Array.from(x);
  for (let i = 0; i < x.length; i++) {
    y[i] = x[i]! + h;
    const up = f(y);
    y[i] = x[i]! - h;
    const down = f(y);
    y[i] = x[i]!;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/** -Hess f(x) by central differences of the finite-difference gradient (symmetrized). */
export function negHessian64(f: (x: Float64Array) => number, x: Float64Array): Float64Array[] {
  const n = x.length;
  const negH = Array.from({ length: n }, () => new Float64Array(n));
  const y = Float64Array.from(x);
  const h = 1e-4;
  for (let j = 0; j < n; j++) {
    y[j] = x[j]! + h;
    const up = gradient64(f, y);
    y[j] = x[j]! - h;
    const down = gradient64(f, y);
    y[j] = x[j]!;
    for (let i = 0; i < n; i++) negH[i]![j] = -(up[i]! - down[i]!) / (2 * h);
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const m = (negH[i]![j]! + negH[j]![i]!) / 2;
      negH[i]![j] = m;
      negH[j]![i] = m;
    }
  }
  return negH;
}

/**
 * The strict local maximizer of f near x0, by Newton's method on finite-difference derivatives
 * in float64 (steps capped at length 0.1), until ||grad f|| < tol (default 1e-9; the gradient's
 * rounding floor is ~1e-11 on O(1) functions). Throws if -Hess f stops being positive definite
 * (no strict local maximum there) or if it does not converge: a reference must not guess.
 */
export function maximize64(
  f: (x: Float64Array) => number,
  x0: Float64Array,
  tol = 1e-9,
): Float64Array {
  let x = Float64Array.from(x0);
  for (let iter = 0; iter < 100; iter++) {
    const g = gradient64(f, x);
    const gNorm = Math.hypot(...g);
    if (gNorm < tol) return x;
    const step = solveDenseSystem(negHessian64(f, x), g);
    if (step.reduce((s, v, i) => s + v * g[i]!, 0) <= 0) {
      throw new Error(
        `maximize64: -Hess f is not positive definite (step ${iter}, ||grad|| ${gNorm})`,
      );
    }
    const len = Math.hypot(...step);
    const scale = len > 0.1 ? 0.1 / len : 1;
    x = x.map((v, i) => v + scale * step[i]!);
  }
  throw new Error('maximize64: not stationary after 100 Newton steps');
}

/**
 * The smallest eigenvalue of a symmetric matrix, by bisection on the shift s at which M - s I
 * stops having a Cholesky factorization (to 1e-12 of its Gershgorin bound): small matrices only.
 */
export function smallestEigenvalue64(M: readonly Float64Array[]): number {
  const n = M.length;
  const radius = Math.max(...M.map((row) => row.reduce((s, x) => s + Math.abs(x), 0)));
  const flat = new Float64Array(n * n);
  const positiveDefinite = (shift: number) => {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) flat[i * n + j] = M[i]![j]! - (i === j ? shift : 0);
    }
    return choleskySolve(flat, new Float64Array(n), n) !== null;
  };
  let low = -radius - 1;
  let high = radius + 1;
  while (high - low > 1e-12 * (radius + 1)) {
    const mid = (low + high) / 2;
    if (positiveDefinite(mid)) low = mid;
    else high = mid;
  }
  return low;
}
