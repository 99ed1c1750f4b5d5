import { softmaxPolicy, solveLinear } from '@bomrl/envs/tabular';

/** One state's lower-level problem. */
export interface StateProblem {
  readonly w: number; // nu(s)
  readonly adv: Float64Array; // A(s, .)
  readonly phi: Float64Array; // phi's logits of s
  readonly p: Float64Array; // pi_phi(.|s)
  readonly distance: 'forward-kl' | 'reverse-kl' | 'l2';
  readonly lambda: number;
}

function softmaxRow(x: Float64Array): Float64Array {
  return softmaxPolicy(x, 1, x.length);
}

/** G_s, its gradient and Hessian in theta_s (float64, analytic). Exported for its own tests. */
export function stateObjective(pr: StateProblem, theta: Float64Array) {
  const n = theta.length;
  const q = softmaxRow(theta);
  let f = 0;
  for (let i = 0; i < n; i++) f += q[i]! * pr.adv[i]!;
  const grad = new Float64Array(n);
  const hess = new Float64Array(n * n);
  // L_s = w <q, adv>
  for (let i = 0; i < n; i++) {
    grad[i] = pr.w * q[i]! * (pr.adv[i]! - f);
    for (let j = 0; j < n; j++) {
      hess[i * n + j] =
        pr.w *
        (q[i]! * ((i === j ? 1 : 0) - q[j]!) * (pr.adv[i]! - f) - q[i]! * q[j]! * (pr.adv[j]! - f));
    }
  }
  let dist = 0;
  if (pr.distance === 'l2') {
    for (let i = 0; i < n; i++) {
      const diff = theta[i]! - pr.phi[i]!;
      dist += diff * diff;
      grad[i]! -= pr.lambda * 2 * diff;
      hess[i * n + i]! -= pr.lambda * 2;
    }
  } else if (pr.distance === 'forward-kl') {
    // KL(p || q): grad q - p, Hessian diag(q) - q q^T
    let lseTheta = 0;
    const m = Math.max(...theta);
    for (let i = 0; i < n; i++) lseTheta += Math.exp(theta[i]! - m);
    lseTheta = m + Math.log(lseTheta);
    for (let i = 0; i < n; i++)
      dist += pr.p[i]! > 0 ? pr.p[i]! * (Math.log(pr.p[i]!) - (theta[i]! - lseTheta)) : 0;
    dist *= pr.w;
    for (let i = 0; i < n; i++) {
      grad[i]! -= pr.lambda * pr.w * (q[i]! - pr.p[i]!);
      for (let j = 0; j < n; j++)
        hess[i * n + j]! -= pr.lambda * pr.w * ((i === j ? q[i]! : 0) - q[i]! * q[j]!);
    }
  } else {
    // KL(q || p) with c = log q - log p: grad q (c - K), Hessian as derived in the README
    const c = new Float64Array(n);
    let K = 0;
    for (let i = 0; i < n; i++) {
      c[i] = Math.log(q[i]!) - Math.log(pr.p[i]!);
      K += q[i]! * c[i]!;
    }
    dist = pr.w * K;
    for (let i = 0; i < n; i++) {
      grad[i]! -= pr.lambda * pr.w * q[i]! * (c[i]! - K);
      for (let j = 0; j < n; j++) {
        const dij = i === j ? 1 : 0;
        const h =
          q[i]! * (dij - q[j]!) * (c[i]! - K) + q[i]! * (dij - q[j]!) - q[i]! * q[j]! * (c[j]! - K);
        hess[i * n + j]! -= pr.lambda * pr.w * h;
      }
    }
  }
  const value = pr.w * f - (pr.distance === 'l2' ? pr.lambda * dist : pr.lambda * dist);
  return { value, grad, hess, dist };
}

/** Solves the dense n x n row-major system m x = b (the package's one float64 dense solver). */
export function solveFlat(m: Float64Array, b: Float64Array, n: number): Float64Array {
  return solveLinear(m, b, n, 1e-14);
}

/**
 * -Hessian made invertible along the per-state ones direction (the softmax gauge): adds
 * c 1 1^T with c the Hessian's own scale (its largest diagonal magnitude), so the added
 * direction is neither negligible nor overwhelming next to tiny-weight states' curvature. The
 * solution of (-H + c 1 1^T) x = b is independent of c whenever b is orthogonal to 1.
 */
export function gaugedNegHessian(hess: Float64Array, n: number, gauge: boolean): Float64Array {
  let c = 0;
  for (let i = 0; i < n; i++) c = Math.max(c, Math.abs(hess[i * n + i]!));
  if (!(c > 0)) c = 1;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) out[i] = -hess[i]! + (gauge ? c : 0);
  return out;
}

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

/**
 * Maximizes one state's G_s by Levenberg-Marquardt-damped Newton: solve (-H + mu w I) d = grad
 * on the gauge complement, accept the step only if it increases G_s (or, at the noise floor,
 * shrinks the gradient), shrink mu after a success and grow it after a failure. Near the optimum
 * mu -> 0 and the iteration is Newton's (quadratic convergence); far from it the damping keeps
 * every step an ascent step, so it cannot jump onto a saturated-softmax plateau.
 */
export function solveState(pr: StateProblem, tol: number): Float64Array {
  const n = pr.phi.length;
  const gauge = pr.distance !== 'l2';
  if (pr.w === 0 && gauge) return Float64Array.from(pr.phi);
  // The KL problems are w * (...) and every gradient term scales with (1 + lambda): stop on the
  // gradient relative to that scale, so huge lambda (the constrained search) is not held to an
  // absolute tolerance below its rounding floor.
  const scale = (gauge ? pr.w : 1) * (1 + pr.lambda);
  let theta = Float64Array.from(pr.phi);
  let cur = stateObjective(pr, theta);
  let mu = 1e-3;
  for (let iter = 0; iter < 1000; iter++) {
    const gnorm = norm(cur.grad);
    if (gnorm / scale < tol) {
      assertStrictMaximum(cur.hess, n, gauge, scale, pr);
      return theta;
    }
    const m = gaugedNegHessian(cur.hess, n, gauge);
    for (let i = 0; i < n; i++) m[i * n + i]! += mu * scale;
    let dir = solveFlat(m, cur.grad, n);
    // Trust region of radius 1 in logits: a long step can land on a saturated-softmax plateau
    // whose vanishing gradient looks like convergence (docs/algorithm.md, solver pitfall).
    const dn = norm(dir);
    if (dn > 1) dir = dir.map((d) => d / dn);
    const next = theta.map((t, i) => t + dir[i]!);
    const cand = stateObjective(pr, next);
    const noiseFloor = 1e-13 * (Math.abs(cur.value) + scale);
    const better =
      cand.value > cur.value || (cand.value >= cur.value - noiseFloor && norm(cand.grad) < gnorm);
    if (better && next.every(Number.isFinite)) {
      theta = next;
      cur = cand;
      mu = Math.max(mu / 10, 1e-12);
    } else {
      mu *= 10;
    }
  }
  throw new Error(
    `float64 reference: the per-state solver did not reach its tolerance (w=${pr.w}, |grad|=${norm(cur.grad)}, ${pr.distance}, lambda=${pr.lambda})`,
  );
}

/**
 * Second-order check at a claimed solution: -Hess G_s (gauged) must be positive definite, so the
 * point is a strict local maximum and not a plateau or saddle the gradient test mistook for one.
 */
function assertStrictMaximum(
  hess: Float64Array,
  n: number,
  gauge: boolean,
  scale: number,
  pr: StateProblem,
) {
  const m = gaugedNegHessian(hess, n, gauge);
  // Cholesky: every pivot must stay clearly positive relative to the problem's scale
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let v = m[i * n + j]!;
      for (let k = 0; k < j; k++) v -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        // Saturated optima (q_a ~ 1e-8) have genuinely tiny curvature, so only a pivot that is
        // not clearly positive (a flat plateau or a saddle) is rejected.
        if (!(v > 1e-16 * scale)) {
          throw new Error(
            `float64 reference: the per-state solution is not a strict maximum (plateau or saddle; w=${pr.w}, ${pr.distance}, lambda=${pr.lambda})`,
          );
        }
        l[i * n + i] = Math.sqrt(v);
      } else l[i * n + j] = v / l[j * n + j]!;
    }
  }
}
