import { solveLinear } from '@bomrl/envs/tabular';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import {
  axpy,
  dot,
  type HostMatvec,
  hostMatvec,
  type Matvec,
  norm,
  toHost,
  toTensor,
  withDamping,
} from './host';

/**
 * Matrix-free linear solvers for the adjoint systems of implicit differentiation.
 *
 * Every solver takes the matrix only as a product `v -> A v` (in practice a Hessian- or
 * Jacobian-vector product) and solves `(A + damping I) x = b`. Iterates live on the host in
 * float64 (see `host.ts`); only the products run in tfjs.
 */

/** What every solver reports besides its solution. */
export interface SolveReport {
  /** Products with A performed (CG, Neumann: one per iteration / term; BiCGSTAB: two). */
  iterations: number;
  /** ||b - (A + damping I) x||, as tracked by the solver's recurrence (float64 on the host). */
  residualNorm: number;
  /** residualNorm / ||b|| (0 when b = 0). */
  relativeResidual: number;
  /** relativeResidual <= tol (Neumann without `tol`: relativeResidual < 1, i.e. it contracted). */
  converged: boolean;
  /**
   * CG only: a direction with p^T (A + damping I) p <= 0 was met, so the operator is not
   * positive definite (at an argmax: theta* is not a strict local maximum, or damping is too
   * small). CG stops there and returns its current iterate.
   */
  negativeCurvature: boolean;
  /** BiCGSTAB only: the method broke down (a zero inner product) before converging. */
  breakdown: boolean;
}

/** A solution tensor (owned by the caller) and its report. */
export interface LinearSolveResult extends SolveReport {
  x: Tensor1D;
}

/** A solution host vector and its report (internal form). */
export interface HostSolveResult extends SolveReport {
  x: Float64Array;
}

/** Options of {@link conjugateGradient}. */
export interface CGOptions {
  /** Most products with A. Default 100 (exact arithmetic needs at most n). */
  maxIter?: number;
  /** Stop when ||r|| <= tol * ||b||. Default 1e-6 (float32 products cannot do much better). */
  tol?: number;
  /** Ridge added to A: solves (A + damping I) x = b. Default 0. */
  damping?: number;
}

/** Options of {@link neumannSeries}. */
export interface NeumannOptions {
  /** Step alpha in A^{-1} ~ alpha sum_k (I - alpha A)^k. Needs ||I - alpha A|| < 1. */
  alpha: number;
  /** Number of summands k = 0 .. terms-1 (= products with A). */
  terms: number;
  /** Ridge added to A. Default 0. */
  damping?: number;
  /** If given, `converged` reports relativeResidual <= tol; otherwise relativeResidual < 1. */
  tol?: number;
}

/** Options of {@link bicgstab}. */
export interface BiCGStabOptions {
  /** Most iterations (each is two products). Default 100. */
  maxIter?: number;
  /** Stop when ||r|| <= tol * ||b||. Default 1e-6. */
  tol?: number;
  /** Ridge added to A. Default 0. */
  damping?: number;
}

/** Options of {@link directSolve}. */
export interface DirectOptions {
  /** Ridge added to A. Default 0. */
  damping?: number;
}

const emptyFlags = { negativeCurvature: false, breakdown: false };

function zeroResult(n: number): HostSolveResult {
  return {
    x: new Float64Array(n),
    iterations: 0,
    residualNorm: 0,
    relativeResidual: 0,
    converged: true,
    ...emptyFlags,
  };
}

function checkFinite(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`${name} must be finite and >= 0, got ${value}`);
}

/**
 * Conjugate gradient's iterations as a coroutine: it yields each vector p it needs A p for
 * (without damping) and is resumed with the product, so one algorithm serves a synchronous
 * product ({@link conjugateGradientHost}) and one computed elsewhere, e.g. sharded over worker
 * threads ({@link conjugateGradientHostAsync}).
 */
function* conjugateGradientSteps(
  b: Float64Array,
  options: CGOptions,
): Generator<Float64Array, HostSolveResult, Float64Array> {
  const { maxIter = 100, tol = 1e-6, damping = 0 } = options;
  checkFinite('damping', damping);
  const bNorm = norm(b);
  if (bNorm === 0) return zeroResult(b.length);
  const x = new Float64Array(b.length);
  const r = Float64Array.from(b);
  const p = Float64Array.from(b);
  let rr = bNorm * bNorm;
  let iterations = 0;
  let negativeCurvature = false;
  while (iterations < maxIter && Math.sqrt(rr) > tol * bNorm) {
    // a copy: the product may be computed asynchronously while p is updated in place
    const Ap = Float64Array.from(yield Float64Array.from(p));
    if (damping !== 0) axpy(damping, p, Ap);
    iterations++;
    const pAp = dot(p, Ap);
    if (!(pAp > 0)) {
      // Not positive definite along p (or NaN): the CG step would be meaningless.
      negativeCurvature = true;
      break;
    }
    const alpha = rr / pAp;
    axpy(alpha, p, x);
    axpy(-alpha, Ap, r);
    const rrNext = dot(r, r);
    const beta = rrNext / rr;
    rr = rrNext;
    for (let i = 0; i < p.length; i++) p[i] = r[i]! + beta * p[i]!;
  }
  const residualNorm = Math.sqrt(rr);
  const relativeResidual = residualNorm / bNorm;
  return {
    x,
    iterations,
    residualNorm,
    relativeResidual,
    converged: !negativeCurvature && relativeResidual <= tol,
    negativeCurvature,
    breakdown: false,
  };
}

/** Conjugate gradient on host vectors; see {@link conjugateGradient}. */
export function conjugateGradientHost(
  matvec: HostMatvec,
  b: Float64Array,
  options: CGOptions = {},
): HostSolveResult {
  const steps = conjugateGradientSteps(b, options);
  let next = steps.next();
  while (!next.done) next = steps.next(matvec(next.value));
  return next.value;
}

/**
 * {@link conjugateGradientHost} with a product that may be asynchronous; the same iterations,
 * so the same floats for the same products.
 */
export async function conjugateGradientHostAsync(
  matvec: (v: Float64Array) => Float64Array | Promise<Float64Array>,
  b: Float64Array,
  options: CGOptions = {},
): Promise<HostSolveResult> {
  const steps = conjugateGradientSteps(b, options);
  let next = steps.next();
  while (!next.done) next = steps.next(await matvec(next.value));
  return next.value;
}

/**
 * Conjugate gradient for `(A + damping I) x = b`, A symmetric positive definite, given only as
 * the product `v -> A v`.
 *
 * In exact arithmetic CG converges in at most n products; with float32 products it typically
 * reaches a relative residual of ~1e-6 in about that many. The reported residual is CG's
 * recurrence (no extra product); it tracks the true residual down to the float32 noise floor of
 * the products. Stops early, with `negativeCurvature`, if A + damping I is not positive definite
 * along a search direction.
 */
export function conjugateGradient(
  matvec: Matvec,
  b: Tensor1D,
  options: CGOptions = {},
): LinearSolveResult {
  const bh = toHost(b);
  const { x, ...report } = conjugateGradientHost(hostMatvec(matvec, bh.length), bh, options);
  return { x: toTensor(x), ...report };
}

/** Neumann series on host vectors; see {@link neumannSeries}. */
export function neumannSeriesHost(
  matvec: HostMatvec,
  b: Float64Array,
  options: NeumannOptions,
): HostSolveResult {
  const { alpha, terms, damping = 0, tol } = options;
  if (!(alpha > 0)) throw new RangeError(`neumannSeries: alpha must be > 0, got ${alpha}`);
  if (!Number.isInteger(terms) || terms < 1)
    throw new RangeError(`neumannSeries: terms must be a positive integer, got ${terms}`);
  checkFinite('damping', damping);
  const A = withDamping(matvec, damping);
  const bNorm = norm(b);
  if (bNorm === 0) return zeroResult(b.length);
  // term_k = (I - alpha A)^k b; sum the first `terms` of them.
  const sum = new Float64Array(b.length);
  let term = Float64Array.from(b);
  for (let k = 0; k < terms; k++) {
    axpy(1, term, sum);
    const Aterm = A(term);
    const next = Float64Array.from(term);
    axpy(-alpha, Aterm, next);
    term = next;
  }
  // With S = sum_{k<K} (I - alpha A)^k: alpha A S = I - (I - alpha A)^K, so the residual of
  // x = alpha S b is exactly the next term, (I - alpha A)^K b; no extra product needed.
  const x = sum.map((s) => alpha * s);
  const residualNorm = norm(term);
  const relativeResidual = residualNorm / bNorm;
  return {
    x,
    iterations: terms,
    residualNorm,
    relativeResidual,
    // Without a tol, a truncated series is approximate by design: report only that it contracted.
    converged: tol === undefined ? relativeResidual < 1 : relativeResidual <= tol,
    ...emptyFlags,
  };
}

/**
 * Truncated Neumann series: `x = alpha * sum_{k=0}^{terms-1} (I - alpha A)^k b`, an approximation
 * of `(A + damping I)^{-1} b`.
 *
 * Converges (as terms grows) if and only if the spectral radius of I - alpha A is below 1; for
 * symmetric positive definite A that means 0 < alpha < 2 / lambda_max(A), and the error shrinks
 * like (1 - alpha lambda_min)^terms, so it is slow when A is ill conditioned. It needs no inner
 * products, which is why it is popular for very large problems; CG is better whenever it
 * applies. The residual reported is exact (it is the first omitted term). Divergence shows as a
 * growing `relativeResidual`.
 */
export function neumannSeries(
  matvec: Matvec,
  b: Tensor1D,
  options: NeumannOptions,
): LinearSolveResult {
  const bh = toHost(b);
  const { x, ...report } = neumannSeriesHost(hostMatvec(matvec, bh.length), bh, options);
  return { x: toTensor(x), ...report };
}

/** BiCGSTAB on host vectors; see {@link bicgstab}. */
export function bicgstabHost(
  matvec: HostMatvec,
  b: Float64Array,
  options: BiCGStabOptions = {},
): HostSolveResult {
  const { maxIter = 100, tol = 1e-6, damping = 0 } = options;
  checkFinite('damping', damping);
  const A = withDamping(matvec, damping);
  const n = b.length;
  const bNorm = norm(b);
  if (bNorm === 0) return zeroResult(n);
  const x = new Float64Array(n);
  const r = Float64Array.from(b);
  const rHat = Float64Array.from(b);
  let p: Float64Array = new Float64Array(n);
  let v: Float64Array = new Float64Array(n);
  let rho = 1;
  let alpha = 1;
  let omega = 1;
  let products = 0;
  let breakdown = false;
  let rNorm = bNorm;
  for (let it = 0; it < maxIter && rNorm > tol * bNorm; it++) {
    const rhoNext = dot(rHat, r);
    if (rhoNext === 0 || omega === 0 || !Number.isFinite(rhoNext)) {
      breakdown = true;
      break;
    }
    const beta = (rhoNext / rho) * (alpha / omega);
    rho = rhoNext;
    const pNext = new Float64Array(n);
    for (let i = 0; i < n; i++) pNext[i] = r[i]! + beta * (p[i]! - omega * v[i]!);
    p = pNext;
    v = A(p);
    products++;
    const rHatV = dot(rHat, v);
    if (rHatV === 0 || !Number.isFinite(rHatV)) {
      breakdown = true;
      break;
    }
    alpha = rho / rHatV;
    axpy(alpha, p, x);
    axpy(-alpha, v, r); // r is now s
    rNorm = norm(r);
    if (rNorm <= tol * bNorm) break;
    const t = A(r);
    products++;
    const tt = dot(t, t);
    if (tt === 0) {
      breakdown = true;
      break;
    }
    omega = dot(t, r) / tt;
    axpy(omega, r, x);
    axpy(-omega, t, r);
    rNorm = norm(r);
  }
  const relativeResidual = rNorm / bNorm;
  return {
    x,
    iterations: products,
    residualNorm: rNorm,
    relativeResidual,
    converged: relativeResidual <= tol,
    negativeCurvature: false,
    breakdown: breakdown && relativeResidual > tol,
  };
}

/**
 * BiCGSTAB (van der Vorst 1992) for `(A + damping I) x = b` with A square and nonsingular but
 * not necessarily symmetric, given only as `v -> A v`. Two products per iteration; no
 * guarantee of monotone residuals, and it can break down (reported as `breakdown`) on
 * unlucky systems, in which case use the normal equations with CG or a direct solve.
 */
export function bicgstab(
  matvec: Matvec,
  b: Tensor1D,
  options: BiCGStabOptions = {},
): LinearSolveResult {
  const bh = toHost(b);
  const { x, ...report } = bicgstabHost(hostMatvec(matvec, bh.length), bh, options);
  return { x: toTensor(x), ...report };
}

/**
 * Dense float64 solve of M x = b (rows of M) by LU with partial pivoting: the flattened system
 * goes to `@bomrl/envs/tabular`'s `solveLinear`, bomrl's one dense solver. Throws when M is
 * singular to working precision (a pivot at most 1e-14 of M's largest entry).
 */
export function solveDenseSystem(M: readonly Float64Array[], b: Float64Array): Float64Array {
  const n = b.length;
  const flat = new Float64Array(n * n);
  M.forEach((row, r) => flat.set(row.subarray(0, n), r * n));
  return solveLinear(flat, b, n, 1e-14);
}

/** Builds the dense matrix of a host operator column by column (n products). */
export function denseMatrix(matvec: HostMatvec, n: number): Float64Array[] {
  const rows = Array.from({ length: n }, () => new Float64Array(n));
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e[j] = 1;
    const col = matvec(e);
    e[j] = 0;
    for (let i = 0; i < n; i++) rows[i]![j] = col[i]!;
  }
  return rows;
}

/** Direct solve on host vectors; see {@link directSolve}. */
export function directSolveHost(
  matvec: HostMatvec,
  b: Float64Array,
  options: DirectOptions = {},
): HostSolveResult {
  const { damping = 0 } = options;
  checkFinite('damping', damping);
  const n = b.length;
  const M = denseMatrix(withDamping(matvec, damping), n);
  const x = solveDenseSystem(M, b);
  const bNorm = norm(b);
  let r2 = 0;
  for (let i = 0; i < n; i++) {
    const r = b[i]! - dot(M[i]!, x);
    r2 += r * r;
  }
  const residualNorm = Math.sqrt(r2);
  return {
    x,
    iterations: n,
    residualNorm,
    relativeResidual: bNorm === 0 ? 0 : residualNorm / bNorm,
    converged: true,
    ...emptyFlags,
  };
}

/**
 * Direct solve: forms the dense n x n matrix with n products, then LU with partial pivoting in
 * float64. Exact up to the float32 error of the products; O(n) products and O(n^3) host work,
 * so for small problems (tabular policies, tests) and as a reference for the iterative solvers.
 * Works for any nonsingular A (no symmetry or definiteness needed).
 */
export function directSolve(
  matvec: Matvec,
  b: Tensor1D,
  options: DirectOptions = {},
): LinearSolveResult {
  const bh = toHost(b);
  const { x, ...report } = directSolveHost(hostMatvec(matvec, bh.length), bh, options);
  return { x: toTensor(x), ...report };
}
