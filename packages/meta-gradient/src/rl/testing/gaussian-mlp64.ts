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
function negHessian64(f: (x: Float64Array) => number, x: Float64Array): Float64Array[] {
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
 * argmax_x f(x) from x0 by Levenberg-Marquardt-damped Newton on finite-difference derivatives,
 * in float64: solve (-H + mu I) d = grad, accept d only if f increases (then shrink mu, else
 * grow it), so every accepted step is an ascent step even where f is not concave; near the
 * maximum mu -> 0 and the steps are Newton's. Stops when ||grad f|| < tol (default 1e-9; the
 * gradient's rounding floor is ~1e-11 on O(1) functions) and throws if it never gets there.
 */
export function maximize64(
  f: (x: Float64Array) => number,
  x0: Float64Array,
  tol = 1e-9,
): Float64Array {
  let x = Float64Array.from(x0);
  let fx = f(x);
  let mu = 1e-3;
  for (let iter = 0; iter < 500; iter++) {
    const g = gradient64(f, x);
    if (process.env.DEBUG64) process.stderr.write(`DBG ${iter} ${fx} ${Math.hypot(...g)} ${mu}\n`);
    if (Math.hypot(...g) < tol) return x;
    const negH = negHessian64(f, x);
    for (;;) {
      const damped = negH.map((row, i) => row.map((v, j) => (i === j ? v + mu : v)));
      let step: Float64Array | undefined;
      try {
        step = solveDenseSystem(damped, g);
      } catch {
        step = undefined;
      }
      const next = step && x.map((v, i) => v + step[i]!);
      const fNext = next ? f(next) : Number.NEGATIVE_INFINITY;
      if (next && fNext >= fx) {
        x = next;
        fx = fNext;
        mu = Math.max(mu / 10, 1e-12);
        break;
      }
      mu *= 10;
      if (mu > 1e12)
        throw new Error('maximize64: no ascent step (a flat point that is not a maximum?)');
    }
  }
  throw new Error('maximize64: not stationary after 500 steps');
}
