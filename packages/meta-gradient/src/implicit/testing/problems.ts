/**
 * Inner problems with known solutions theta*(phi), each in tfjs (for the library) and float64
 * (for the reference: the closed form or a Newton / fixed-point solve to ~1e-13, and central
 * finite differences of outer(theta*(phi))).
 */
import { centralGradient, logSumExp } from '@bomrl/core';
import type { Scalar, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import {
  addScaledIdentity,
  choleskySolve,
  f32,
  f32Mat,
  logSumExp64,
  type Mat,
  matmul,
  matvec,
  randMat,
  randn,
  randomSpd,
  softmax64,
  transpose,
} from './float64';

export interface Problem {
  name: string;
  sense: 'max' | 'min';
  /** Inner objective in tfjs. */
  G: (theta: Tensor1D, phi: Tensor1D) => Scalar;
  /** theta*(phi) in float64. */
  solve64: (phi: Float64Array) => Float64Array;
  /** outer(theta) and its gradient in float64. */
  outer64: (theta: Float64Array) => number;
  outerGrad64: (theta: Float64Array) => Float64Array;
  phi: Float64Array;
}

/** Float64 reference hypergradient: central differences of phi -> outer(theta*(phi)). */
export function referenceHypergradient(p: Pick<Problem, 'solve64' | 'outer64' | 'phi'>, h = 1e-5) {
  return centralGradient((phi) => p.outer64(p.solve64(phi)), p.phi, h);
}

const halfSqDist = (t: Float64Array) => ({
  outer64: (th: Float64Array) => 0.5 * th.reduce((s, v, i) => s + (v - t[i]!) ** 2, 0),
  outerGrad64: (th: Float64Array) => th.map((v, i) => v - t[i]!),
});

/**
 * Ridge regression with one log-penalty per feature:
 * theta*(phi) = argmin ||X theta - y||^2 + sum_i exp(phi_i) theta_i^2, outer = validation loss.
 */
export function ridgeProblem(): Problem {
  const m = 20;
  const n = 5;
  const X = randMat(21, m, n);
  const y = randn(22, m);
  const Xv = randMat(23, 15, n);
  const yv = randn(24, 15);
  const XtX = matmul(transpose(X), X);
  const Xty = matvec(transpose(X), y);
  const outer64 = (th: Float64Array) =>
    0.5 * matvec(Xv, th).reduce((s, r, i) => s + (r - yv[i]!) ** 2, 0);
  return {
    name: 'ridge regression, per-feature exp(phi) penalties',
    sense: 'min',
    G: (theta, phi) =>
      tf.tidy(() => {
        const r = tf.sub(tf.squeeze(tf.matMul(f32Mat(X), tf.reshape(theta, [-1, 1])), [1]), f32(y));
        return tf.add(
          tf.sum(tf.square(r)),
          tf.sum(tf.mul(tf.exp(phi), tf.square(theta))),
        ) as Scalar;
      }),
    solve64: (phi) =>
      choleskySolve(
        XtX.map((row, i) => row.map((v, j) => (i === j ? v + Math.exp(phi[i]!) : v))),
        Xty,
      ),
    outer64,
    outerGrad64: (th) => {
      const r = matvec(Xv, th).map((v, i) => v - yv[i]!);
      return matvec(transpose(Xv), r);
    },
    phi: randn(25, n, 0.5).map((v) => v + 1),
  };
}

/** G = -1/2 theta^T A theta + theta^T B phi (max): theta* = A^{-1} B phi, exact gradient B^T A^{-1} g. */
export function quadraticProblem() {
  const n = 6;
  const p = 4;
  const A = randomSpd(31, n, 0.5);
  const B = randMat(32, n, p);
  const t = randn(33, n);
  const problem: Problem = {
    name: 'quadratic max',
    sense: 'max',
    G: (theta, phi) =>
      tf.tidy(() => {
        const th = tf.reshape(theta, [-1, 1]);
        const quad = tf.mul(-0.5, tf.sum(tf.mul(th, tf.matMul(f32Mat(A), th))));
        const lin = tf.sum(
          tf.mul(theta, tf.squeeze(tf.matMul(f32Mat(B), tf.reshape(phi, [-1, 1])), [1])),
        );
        return tf.add(quad, lin) as Scalar;
      }),
    solve64: (phi) => choleskySolve(A, matvec(B, phi)),
    ...halfSqDist(t),
    phi: randn(34, p),
  };
  /** The exact hypergradient B^T A^{-1} (theta* - t). */
  const exact = () =>
    matvec(transpose(B), choleskySolve(A, problem.outerGrad64(problem.solve64(problem.phi))));
  return { problem, A, exact };
}

/**
 * Strongly concave, with tanh, exp and softmax in the second derivatives:
 * G(theta, phi) = <tanh(C phi), theta> - logSumExp(W theta + V phi) - kappa/2 ||theta||^2 (max),
 * theta* by Newton in float64; outer(theta) = logSumExp(R theta).
 */
export function logSumExpProblem(options: { stableLogSumExp?: boolean } = {}): Problem {
  const { stableLogSumExp = true } = options;
  // Without the max shift, log(sum(exp(z))) uses no comparison op, so tfjs's uncorrected
  // gradients do not throw: they are silently wrong (exp's gradient reuses its saved output).
  const lse = (z: tf.Tensor) => (stableLogSumExp ? logSumExp(z) : tf.log(tf.sum(tf.exp(z))));
  const n = 6;
  const p = 4;
  const K = 5;
  const kappa = 0.3;
  const C = randMat(41, n, p, 0.7);
  const W = randMat(42, K, n);
  const V = randMat(43, K, p);
  const R = randMat(44, 3, n);
  const grad64 = (th: Float64Array, phi: Float64Array) => {
    const u = matvec(C, phi).map(Math.tanh);
    const s = softmax64(matvec(W, th).map((z, k) => z + matvec(V, phi)[k]!));
    const Wts = matvec(transpose(W), s);
    return { g: th.map((v, i) => u[i]! - Wts[i]! - kappa * v), s };
  };
  return {
    name: 'logSumExp / tanh strongly concave',
    sense: 'max',
    G: (theta, phi) =>
      tf.tidy(() => {
        const u = tf.tanh(tf.squeeze(tf.matMul(f32Mat(C), tf.reshape(phi, [-1, 1])), [1]));
        const z = tf.add(
          tf.squeeze(tf.matMul(f32Mat(W), tf.reshape(theta, [-1, 1])), [1]),
          tf.squeeze(tf.matMul(f32Mat(V), tf.reshape(phi, [-1, 1])), [1]),
        );
        return tf.sub(
          tf.sub(tf.sum(tf.mul(u, theta)), lse(z)),
          tf.mul(kappa / 2, tf.sum(tf.square(theta))),
        ) as Scalar;
      }),
    solve64: (phi) => {
      let th = new Float64Array(n);
      for (let it = 0; it < 100; it++) {
        const { g, s } = grad64(th, phi);
        if (Math.hypot(...g) < 1e-13) break;
        // -Hess G = W^T (diag s - s s^T) W + kappa I (positive definite)
        const Cov: Mat = Array.from(s, (si, a) =>
          Float64Array.from(s, (sj, b) => (a === b ? si : 0) - si * sj),
        );
        const negH = addScaledIdentity(matmul(matmul(transpose(W), Cov), W), kappa);
        const step = choleskySolve(negH, g);
        const len = Math.hypot(...step);
        const scale = len > 1 ? 1 / len : 1; // capped Newton step (see docs/algorithm.md's pitfall)
        th = th.map((v, i) => v + scale * step[i]!);
      }
      return th;
    },
    outer64: (th) => logSumExp64(matvec(R, th)),
    outerGrad64: (th) => matvec(transpose(R), softmax64(matvec(R, th))),
    phi: randn(45, p),
  };
}

/**
 * A non-symmetric optimality condition: the fixed point theta = tanh(M theta + N phi)
 * (M a contraction), F(theta, phi) = theta - tanh(M theta + N phi); outer = 1/2 ||theta - t||^2.
 */
export function fixedPointProblem() {
  const n = 7;
  const p = 3;
  const M = randMat(51, n, n, 0.5 / Math.sqrt(n));
  const N = randMat(52, n, p);
  const t = randn(53, n);
  const map64 = (th: Float64Array, phi: Float64Array) => {
    const Np = matvec(N, phi);
    return matvec(M, th).map((z, i) => Math.tanh(z + Np[i]!));
  };
  return {
    condition: (theta: Tensor1D, phi: Tensor1D): Tensor1D =>
      tf.tidy(() =>
        tf.sub(
          theta,
          tf.tanh(
            tf.add(
              tf.squeeze(tf.matMul(f32Mat(M), tf.reshape(theta, [-1, 1])), [1]),
              tf.squeeze(tf.matMul(f32Mat(N), tf.reshape(phi, [-1, 1])), [1]),
            ),
          ),
        ),
      ),
    solve64: (phi: Float64Array) => {
      let th = new Float64Array(n);
      for (let it = 0; it < 500; it++) th = map64(th, phi);
      return th;
    },
    ...halfSqDist(t),
    phi: randn(54, p),
  };
}

/**
 * A constrained problem with a known (float64-solvable) solution:
 *   theta*(phi) = argmax L(theta, phi) s.t. D(theta, phi) <= delta,
 *   L = -1/2 theta^T A theta + <tanh(B phi) + a, theta> - logSumExp(W theta),
 *   D = 1/2 (theta - C phi)^T S (theta - C phi).
 * Float64 solution: for a multiplier mu, Newton on L - mu D (strongly concave); mu by bisection
 * on D(theta(mu)) = delta (D along the penalty path is decreasing in mu), or mu = 0 when the
 * unconstrained maximizer is feasible. `delta` is set relative to D at the unconstrained optimum.
 */
export function constrainedProblem(deltaFraction: number) {
  const n = 5;
  const p = 3;
  const A = randomSpd(61, n, 0.4);
  const S = randomSpd(62, n, 0.5);
  const B = randMat(63, n, p);
  const a = randn(64, n, 0.5);
  const C = randMat(65, n, p, 0.5);
  const W = randMat(66, 4, n, 0.7);
  const t = randn(67, n);
  const phi0 = randn(68, p);
  const Wt = transpose(W);

  const thetaOf = (mu: number, phi: Float64Array) => {
    const s = matvec(B, phi).map((v, i) => Math.tanh(v) + a[i]!);
    const Cphi = matvec(C, phi);
    let th = new Float64Array(n);
    for (let it = 0; it < 100; it++) {
      const sm = softmax64(matvec(W, th));
      const Ath = matvec(A, th);
      const Wsm = matvec(Wt, sm);
      const Sd = matvec(
        S,
        th.map((v, i) => v - Cphi[i]!),
      );
      const g = th.map((_, i) => -Ath[i]! + s[i]! - Wsm[i]! - mu * Sd[i]!);
      if (Math.hypot(...g) < 1e-14) break;
      const Cov: Mat = Array.from(sm, (si, k) =>
        Float64Array.from(sm, (sj, l) => (k === l ? si : 0) - si * sj),
      );
      const WCW = matmul(matmul(Wt, Cov), W);
      const negH = A.map((row, i) => row.map((v, j) => v + WCW[i]![j]! + mu * S[i]![j]!));
      const step = choleskySolve(negH, g);
      const len = Math.hypot(...step);
      const scale = len > 1 ? 1 / len : 1;
      th = th.map((v, i) => v + scale * step[i]!);
    }
    return th;
  };
  const D64 = (th: Float64Array, phi: Float64Array) => {
    const d = th.map((v, i) => v - matvec(C, phi)[i]!);
    return 0.5 * matvec(S, d).reduce((acc, v, i) => acc + v * d[i]!, 0);
  };
  const delta = deltaFraction * D64(thetaOf(0, phi0), phi0);

  const solveWithMultiplier = (phi: Float64Array) => {
    const th0 = thetaOf(0, phi);
    if (D64(th0, phi) <= delta) return { theta: th0, mu: 0 };
    let lo = 0;
    let hi = 1;
    while (D64(thetaOf(hi, phi), phi) > delta) hi *= 2;
    for (let it = 0; it < 100 && hi - lo > 1e-15 * hi; it++) {
      const mid = 0.5 * (lo + hi);
      if (D64(thetaOf(mid, phi), phi) > delta) lo = mid;
      else hi = mid;
    }
    const mu = 0.5 * (lo + hi);
    return { theta: thetaOf(mu, phi), mu };
  };

  const matT = (M: Mat) => f32Mat(M);
  const mv = (M: Mat, x: Tensor1D) => tf.squeeze(tf.matMul(matT(M), tf.reshape(x, [-1, 1])), [1]);
  return {
    delta,
    phi: phi0,
    objective: (theta: Tensor1D, phi: Tensor1D): Scalar =>
      tf.tidy(() => {
        const quad = tf.mul(-0.5, tf.sum(tf.mul(theta, mv(A, theta))));
        const lin = tf.sum(tf.mul(tf.add(tf.tanh(mv(B, phi)), f32(a)), theta));
        return tf.sub(tf.add(quad, lin), logSumExp(mv(W, theta))) as Scalar;
      }),
    constraint: (theta: Tensor1D, phi: Tensor1D): Scalar =>
      tf.tidy(() => {
        const d = tf.sub(theta, mv(C, phi)) as Tensor1D;
        return tf.mul(0.5, tf.sum(tf.mul(d, mv(S, d)))) as Scalar;
      }),
    solveWithMultiplier,
    solve64: (phi: Float64Array) => solveWithMultiplier(phi).theta,
    ...halfSqDist(t),
  };
}
