import { choleskySolve, hessianVectorProduct, probeBlocks, valueAndGradient } from '@bomrl/core';
import type { Scalar, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { AdaptationError, checkInteger, checkPositive } from './errors';
import { type LbfgsSolver, lbfgsMaximize } from './lbfgs';
import { type HostHessian, type NewtonCgSolver, trustRegionMaximize } from './trust-region';

export type { LbfgsSolver } from './lbfgs';
export type { NewtonCgSolver } from './trust-region';

/**
 * Newton's method with a capped, regularized step: the default for exact tabular problems,
 * where it reaches float32 precision in a handful of iterations.
 */
export interface NewtonSolver {
  readonly kind: 'newton';
  /** Iteration cap (default 50). */
  readonly maxSteps?: number;
  /**
   * Stationarity tolerance on ||grad_theta G||_2 (default 1e-5). Float32 puts a floor under it
   * of about 2 lambda * ulp(theta) * sqrt(n): raise tol with lambda beyond ~100.
   */
  readonly tol?: number;
  /**
   * Cap on the infinity norm of one step (default 1, in parameter units). Why: an uncapped
   * step can jump onto a saturated-softmax plateau where ||grad|| ~ 0 far from the optimum.
   */
  readonly maxStep?: number;
  /**
   * Newton also keeps going until its own step is below this (default 1e-6): a small gradient
   * alone is not proof of optimality on a flat plateau, a small Newton step is. Measured as the
   * largest change of any probability in exact tabular mode, of any parameter otherwise.
   */
  readonly stepTol?: number;
}

/** Adam on the fixed data (the authors' MuJoCo choice: 50 steps, lr 1e-3). */
export interface AdamSolver {
  readonly kind: 'adam';
  /** Learning rate (default 1e-3). */
  readonly lr?: number;
  /** Step cap (default 50). */
  readonly maxSteps?: number;
  /** Stop when ||grad_theta G||_2 <= tol (default 1e-5). */
  readonly tol?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

/** Plain gradient ascent theta += lr * grad G. */
export interface GradientAscentSolver {
  readonly kind: 'gradient-ascent';
  /** Step size (default 0.1). */
  readonly lr?: number;
  /** Step cap (default 1000). */
  readonly maxSteps?: number;
  /** Stop when ||grad_theta G||_2 <= tol (default 1e-5). */
  readonly tol?: number;
}

/** The iterative solvers. */
export type IterativeSolver =
  | NewtonSolver
  | AdamSolver
  | GradientAscentSolver
  | LbfgsSolver
  | NewtonCgSolver;

/**
 * How to solve the lower-level problem. `'auto'` (default) uses the closed form where one
 * exists (exact mode, reverse KL, plain ratio, no linearization), Newton otherwise in exact
 * mode and Adam in sampled mode.
 */
export type SolverSpec =
  | { readonly kind: 'auto' }
  | { readonly kind: 'closed-form' }
  | IterativeSolver;

/** Structure an exact tabular problem exposes to the Newton solver. */
export interface ProblemStructure {
  /** Parameters form an nStates x nActions table (row-major). */
  readonly nStates: number;
  readonly nActions: number;
  /** G is a sum of per-state terms: the Hessian is block diagonal (nActions x nActions blocks). */
  readonly separable: boolean;
  /** G is unchanged by adding a constant to a row: steps are kept off the per-row ones vectors. */
  readonly shiftInvariant: boolean;
}

/** What an iterative solve returns; `theta` is owned by the caller. */
export interface SolveResult {
  readonly theta: Tensor1D;
  readonly steps: number;
  /** ||grad_theta G||_2 at the returned theta. */
  readonly gradNorm: number;
  /** Whether gradNorm <= tol (and, for Newton, the last step was below stepTol). */
  readonly converged: boolean;
  /** G at the returned theta. */
  readonly value: number;
  /**
   * The solve's cost where the solver counts it: value+gradient evaluations (each about one
   * forward and one backward pass on the batch) and Hessian-vector products (about two of them).
   */
  readonly cost?: { readonly evaluations: number; readonly hessianProducts: number };
}

type Objective = (theta: Tensor1D) => Scalar;

/** Runs `fn` in a tfjs scope that disposes every tensor it made (fn returns plain numbers). */
export function scoped<T>(fn: () => T): T {
  tf.engine().startScope();
  try {
    return fn();
  } finally {
    tf.engine().endScope();
  }
}

/** Largest problem Newton builds a dense Hessian for (one HVP per parameter). */
const MAX_DENSE_NEWTON = 1024;

/** Maximizes `f` from `theta0` with the chosen iterative solver. */
export function maximize(
  f: Objective,
  theta0: Tensor1D,
  solver: IterativeSolver,
  structure?: ProblemStructure,
): SolveResult {
  switch (solver.kind) {
    case 'newton':
      return newton(f, theta0, solver, structure);
    case 'adam':
      return adam(f, theta0, solver);
    case 'gradient-ascent':
      return gradientAscent(f, theta0, solver);
    case 'lbfgs': {
      const { x, steps, evaluations } = lbfgsMaximize(
        (y) => evaluate(f, y),
        Float64Array.from(theta0.dataSync()),
        solver,
      );
      return {
        ...finish(f, x, steps, solver.tol ?? 1e-5),
        cost: { evaluations, hessianProducts: 0 },
      };
    }
    case 'newton-cg': {
      const run = trustRegionMaximize(
        { evaluate: (y) => evaluate(f, y), hessianAt: (y) => hostHessian(f, y) },
        Float64Array.from(theta0.dataSync()),
        solver,
      );
      const { evaluations, hessianProducts } = run;
      return {
        ...finish(f, run.x, run.steps, solver.tol ?? 1e-5),
        cost: { evaluations, hessianProducts },
      };
    }
    default:
      throw new AdaptationError(
        `maximize: unknown solver kind '${String((solver as { kind: unknown }).kind)}'; use 'newton', 'newton-cg', 'adam', 'gradient-ascent' or 'lbfgs'`,
      );
  }
}

/** f and grad f at a host vector, read back as float64 numbers. */
function evaluate(f: Objective, x: Float64Array): { value: number; grad: Float64Array } {
  return scoped(() => {
    const { value, grad } = valueAndGradient(f, tf.tensor1d(Float32Array.from(x)));
    return { value: value.dataSync()[0] as number, grad: Float64Array.from(grad.dataSync()) };
  });
}

/** Exact Hessian-vector products of f at a host point (double backprop), on host vectors. */
export function hostHessian(f: Objective, x: Float64Array): HostHessian {
  const at = tf.tensor1d(Float32Array.from(x));
  return {
    apply: (v) =>
      scoped(() =>
        Float64Array.from(
          hessianVectorProduct(f, at, tf.tensor1d(Float32Array.from(v))).dataSync(),
        ),
      ),
    dispose: () => at.dispose(),
  };
}

function valueAt(f: Objective, x: Float64Array): number {
  return tf.tidy(() => f(tf.tensor1d(Float32Array.from(x))).dataSync()[0] as number);
}

function norm(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] as number) ** 2;
  return Math.sqrt(s);
}

function finish(
  f: Objective,
  x: Float64Array,
  steps: number,
  tol: number,
  extraOk = true,
): SolveResult {
  const { value, grad } = evaluate(f, x);
  const gradNorm = norm(grad);
  return {
    theta: tf.tensor1d(Float32Array.from(x)),
    steps,
    gradNorm,
    converged: gradNorm <= tol && extraOk,
    value,
  };
}

function checkCommon(maxSteps: number, tol: number, where: string): void {
  checkInteger(maxSteps, 'maxSteps', where, 0);
  checkPositive(tol, 'tol', where);
}

function gradientAscent(f: Objective, theta0: Tensor1D, solver: GradientAscentSolver): SolveResult {
  const { lr = 0.1, maxSteps = 1000, tol = 1e-5 } = solver;
  checkCommon(maxSteps, tol, 'gradient-ascent solver');
  checkPositive(lr, 'lr', 'gradient-ascent solver');
  const x = Float64Array.from(theta0.dataSync());
  let steps = 0;
  for (; steps < maxSteps; steps++) {
    const { grad } = evaluate(f, x);
    if (norm(grad) <= tol) break;
    for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) + lr * (grad[i] as number);
  }
  return finish(f, x, steps, tol);
}

function adam(f: Objective, theta0: Tensor1D, solver: AdamSolver): SolveResult {
  const {
    lr = 1e-3,
    maxSteps = 50,
    tol = 1e-5,
    beta1 = 0.9,
    beta2 = 0.999,
    epsilon = 1e-8,
  } = solver;
  checkCommon(maxSteps, tol, 'adam solver');
  checkPositive(lr, 'lr', 'adam solver');
  const x = Float64Array.from(theta0.dataSync());
  const m = new Float64Array(x.length);
  const v = new Float64Array(x.length);
  let steps = 0;
  for (; steps < maxSteps; steps++) {
    const { grad } = evaluate(f, x);
    if (norm(grad) <= tol) break;
    const k = steps + 1;
    const c1 = 1 - beta1 ** k;
    const c2 = 1 - beta2 ** k;
    for (let i = 0; i < x.length; i++) {
      const g = grad[i] as number;
      m[i] = beta1 * (m[i] as number) + (1 - beta1) * g;
      v[i] = beta2 * (v[i] as number) + (1 - beta2) * g * g;
      // Ascent: we maximize G.
      x[i] =
        (x[i] as number) +
        (lr * ((m[i] as number) / c1)) / (Math.sqrt((v[i] as number) / c2) + epsilon);
    }
  }
  return finish(f, x, steps, tol);
}

/**
 * The Hessian as blocks: `blocks[b]` is a row-major k x k block for parameters
 * [offsets[b], offsets[b] + k). Block-diagonal problems need only k probe HVPs (each probe is
 * the indicator of one column in EVERY block), dense ones n.
 */
function hessianBlocks(
  f: Objective,
  x: Float64Array,
  structure: ProblemStructure | undefined,
): { blockSize: number; blocks: Float64Array[] } {
  const n = x.length;
  const blockwise = structure?.separable === true;
  const k = blockwise ? (structure as ProblemStructure).nActions : n;
  const nBlocks = blockwise ? (structure as ProblemStructure).nStates : 1;
  if (!blockwise && n > MAX_DENSE_NEWTON) {
    throw new AdaptationError(
      `newton solver: ${n} parameters is too many for a dense Hessian (limit ${MAX_DENSE_NEWTON}); use solver { kind: 'adam' }`,
    );
  }
  const blocks = scoped(() => {
    const xt = tf.tensor1d(Float32Array.from(x));
    return probeBlocks(
      (probe) => scoped(() => hessianVectorProduct(f, xt, tf.tensor1d(probe)).dataSync()),
      nBlocks,
      k,
    );
  });
  return { blockSize: k, blocks };
}

/** Removes the mean of every row of a row-major table in place (the gauge projection). */
function centerRows(x: Float64Array, offset: number, len: number, rowLen: number): void {
  for (let r = offset; r < offset + len; r += rowLen) {
    let mean = 0;
    for (let a = 0; a < rowLen; a++) mean += x[r + a] as number;
    mean /= rowLen;
    for (let a = 0; a < rowLen; a++) x[r + a] = (x[r + a] as number) - mean;
  }
}

/**
 * Eigen-decomposition of a symmetric k x k matrix by cyclic Jacobi rotations (k is a state's
 * action count, or a small dense problem): eigenvalues and row-major eigenvectors (columns).
 */
export function symmetricEigen(
  M: Float64Array,
  k: number,
): { values: Float64Array; vectors: Float64Array } {
  const a = M.slice();
  const v = new Float64Array(k * k);
  for (let i = 0; i < k; i++) v[i * k + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < k; i++)
      for (let j = i + 1; j < k; j++) off += (a[i * k + j] as number) ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = a[p * k + q] as number;
        if (apq === 0) continue;
        const theta = ((a[q * k + q] as number) - (a[p * k + p] as number)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        for (let r = 0; r < k; r++) {
          const arp = a[r * k + p] as number;
          const arq = a[r * k + q] as number;
          a[r * k + p] = c * arp - sn * arq;
          a[r * k + q] = sn * arp + c * arq;
        }
        for (let r = 0; r < k; r++) {
          const apr = a[p * k + r] as number;
          const aqr = a[q * k + r] as number;
          a[p * k + r] = c * apr - sn * aqr;
          a[q * k + r] = sn * apr + c * aqr;
        }
        for (let r = 0; r < k; r++) {
          const vrp = v[r * k + p] as number;
          const vrq = v[r * k + q] as number;
          v[r * k + p] = c * vrp - sn * vrq;
          v[r * k + q] = sn * vrp + c * vrq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: k }, (_, i) => a[i * k + i] as number), vectors: v };
}

/** Largest block the saddle-free fallback eigen-decomposes (Jacobi is O(k^3) per sweep). */
const MAX_EIGEN_BLOCK = 256;

/**
 * Ascent direction on one block. Near a maximum -H is positive definite and this is the Newton
 * step (-H) d = g. Where G is not locally concave (far from the solution, with a small lambda
 * the linear-in-pi L dominates) it is the saddle-free Newton step d = |H|^-1 g, which moves
 * uphill along negative-curvature directions instead of stalling as a damped step would. On
 * shift-invariant rows the singular ones directions are filled in (+ c 11^T per row) and d is
 * projected off them.
 */
function blockStep(
  H: Float64Array,
  g: Float64Array,
  k: number,
  rowLen: number,
  shiftInvariant: boolean,
  truncate: boolean,
): Float64Array {
  const M = H.map((h) => -h);
  let scale = 0;
  for (let i = 0; i < k; i++) scale = Math.max(scale, Math.abs(M[i * k + i] as number));
  if (norm(g) === 0) return new Float64Array(k);
  if (scale === 0) return g.slice(); // no curvature (e.g. a state never visited): gradient step
  if (shiftInvariant) {
    for (let r0 = 0; r0 < k; r0 += rowLen) {
      for (let i = r0; i < r0 + rowLen; i++) {
        for (let j = r0; j < r0 + rowLen; j++)
          M[i * k + j] = (M[i * k + j] as number) + scale / rowLen;
      }
    }
  }
  const finishStep = (d: Float64Array) => {
    if (shiftInvariant) centerRows(d, 0, k, rowLen);
    return d;
  };
  const reg = M.slice();
  for (let i = 0; i < k; i++) reg[i * k + i] = (reg[i * k + i] as number) + 1e-10 * scale;
  const newtonStep = truncate ? null : choleskySolve(reg, g, k);
  if (newtonStep !== null) return finishStep(newtonStep);
  if (k <= MAX_EIGEN_BLOCK) {
    const { values, vectors } = symmetricEigen(M, k);
    const d = new Float64Array(k);
    let top = 0;
    for (const v of values) top = Math.max(top, Math.abs(v));
    // Without structure, (near-)null directions of an overparametrized policy are dropped
    // (pseudo-inverse): G does not change along them, and dividing float32 noise by ~0 curvature
    // would produce huge steps.
    const floor = truncate ? 1e-6 * top : 1e-8 * scale;
    for (let e = 0; e < k; e++) {
      const magnitude = Math.abs(values[e] as number);
      if (truncate && magnitude < floor) continue;
      let proj = 0;
      for (let i = 0; i < k; i++) proj += (vectors[i * k + e] as number) * (g[i] as number);
      const coef = proj / Math.max(magnitude, floor);
      for (let i = 0; i < k; i++) d[i] = (d[i] as number) + coef * (vectors[i * k + e] as number);
    }
    return finishStep(d);
  }
  // Large dense problems: Levenberg-Marquardt damping until positive definite.
  for (let mu = 1e-6 * scale; mu <= 1e8 * scale; mu *= 4) {
    for (let i = 0; i < k; i++) reg[i * k + i] = (M[i * k + i] as number) + mu;
    const d = choleskySolve(reg, g, k);
    if (d !== null) return finishStep(d);
  }
  return finishStep(g.map((v) => v / scale));
}

function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] as number));
  return m;
}

/**
 * Largest first-order change of any probability pi(a|s) = softmax(x_s)_a caused by the logit
 * step d: pi_a (d_a - sum_b pi_b d_b). Why probabilities: an action whose probability is ~0
 * has almost no curvature, so its logit step is dominated by float32 noise forever while the
 * policy has long stopped moving.
 */
function probabilityChange(x: Float64Array, d: Float64Array, nActions: number): number {
  let worst = 0;
  for (let r = 0; r < x.length; r += nActions) {
    let max = Number.NEGATIVE_INFINITY;
    for (let a = 0; a < nActions; a++) max = Math.max(max, x[r + a] as number);
    let z = 0;
    for (let a = 0; a < nActions; a++) z += Math.exp((x[r + a] as number) - max);
    let mean = 0;
    for (let a = 0; a < nActions; a++)
      mean += (Math.exp((x[r + a] as number) - max) / z) * (d[r + a] as number);
    for (let a = 0; a < nActions; a++) {
      const p = Math.exp((x[r + a] as number) - max) / z;
      worst = Math.max(worst, Math.abs(p * ((d[r + a] as number) - mean)));
    }
  }
  return worst;
}

function newton(
  f: Objective,
  theta0: Tensor1D,
  solver: NewtonSolver,
  structure?: ProblemStructure,
): SolveResult {
  const { maxSteps = 50, tol = 1e-5, maxStep = 1, stepTol = 1e-6 } = solver;
  checkCommon(maxSteps, tol, 'newton solver');
  checkPositive(maxStep, 'maxStep', 'newton solver');
  checkPositive(stepTol, 'stepTol', 'newton solver');
  const x = Float64Array.from(theta0.dataSync());
  const n = x.length;
  const shiftInvariant = structure?.shiftInvariant === true;
  const rowLen = shiftInvariant ? (structure as ProblemStructure).nActions : n;
  let steps = 0;
  let lastStep = Number.POSITIVE_INFINITY;
  let stalled = false;
  for (; steps < maxSteps; steps++) {
    const { value, grad } = evaluate(f, x);
    if (shiftInvariant) centerRows(grad, 0, n, rowLen);
    const { blockSize: k, blocks } = hessianBlocks(f, x, structure);
    const d = new Float64Array(n);
    blocks.forEach((H, b) => {
      const step = blockStep(
        H,
        grad.slice(b * k, b * k + k),
        k,
        Math.min(rowLen, k),
        shiftInvariant,
        structure === undefined,
      );
      // Cap each block's step: separable blocks are independent problems.
      let big = 0;
      for (const v of step) big = Math.max(big, Math.abs(v));
      const shrink = big > maxStep ? maxStep / big : 1;
      for (let i = 0; i < k; i++) d[b * k + i] = (step[i] as number) * shrink;
    });
    const dMax = structure !== undefined ? probabilityChange(x, d, structure.nActions) : maxAbs(d);
    lastStep = dMax;
    if (norm(grad) <= tol && dMax <= stepTol) break;
    // Backtrack while G drops by more than float32 evaluation noise.
    const slack = 1e-6 * (1 + Math.abs(value));
    let t = 1;
    let accepted = false;
    for (let tries = 0; tries < 12 && !accepted; tries++, t /= 2) {
      const cand = x.map((xi, i) => xi + t * (d[i] as number));
      if (valueAt(f, cand) >= value - slack) {
        x.set(cand);
        accepted = true;
      }
    }
    if (!accepted) {
      stalled = true; // at the precision limit of float32 G: further steps cannot help
      break;
    }
  }
  return finish(f, x, steps, tol, lastStep <= stepTol || stalled);
}
