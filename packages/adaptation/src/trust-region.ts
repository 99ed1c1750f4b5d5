import { AdaptationError, checkInteger, checkPositive } from './errors';

/**
 * Trust-region Newton-CG on the fixed data: each iteration minimizes the quadratic model of -G
 * inside a ball of radius Delta by Steihaug-Toint conjugate gradient on exact Hessian-vector
 * products of G, then accepts or rejects the step by the ratio of actual to predicted ascent
 * and grows or shrinks Delta. The ball is what the unguarded solvers lack on MLP lower levels:
 * Adam at lr 1e-3 moves all ~20,000 parameters by ~lr per step and overshoots the maximum, and
 * L-BFGS's line search walks into the region where the importance ratios explode. Negative
 * curvature (G is not concave everywhere) is followed to the boundary instead of stalling CG.
 * Warm-started from theta0 (= phi in the operator).
 */
export interface NewtonCgSolver {
  readonly kind: 'newton-cg';
  /** Outer (trust-region) iterations, accepted or rejected (default 20). */
  readonly maxSteps?: number;
  /** Stop when ||grad_theta G||_2 <= tol (default 1e-5). */
  readonly tol?: number;
  /** Hessian-vector products per iteration at most (default 20). */
  readonly cgIterations?: number;
  /**
   * CG stops early when its residual is below min(cgTol, sqrt(||g|| / ||g_0||)) times ||g||
   * (default 0.1): a loose model solve far from the maximum, a tight one near it.
   */
  readonly cgTol?: number;
  /** Initial trust radius, Euclidean in parameter units (default 0.1). */
  readonly radius?: number;
  /** Largest trust radius (default 10). */
  readonly maxRadius?: number;
}

/** G and grad G at a host vector. */
export type HostValueAndGradient = (x: Float64Array) => { value: number; grad: Float64Array };

/** Hessian-vector products of G at one fixed point; `dispose` frees what `at` cached. */
export interface HostHessian {
  apply(v: Float64Array): Float64Array;
  dispose(): void;
}

/** What a trust-region run needs from the objective. */
export interface TrustRegionObjective {
  readonly evaluate: HostValueAndGradient;
  /** The Hessian of G at x, as products. */
  readonly hessianAt: (x: Float64Array) => HostHessian;
}

/** Where and how a trust-region run ended. */
export interface TrustRegionRun {
  readonly x: Float64Array;
  /** Outer iterations taken. */
  readonly steps: number;
  /** Value+gradient evaluations (one per trial point plus the start). */
  readonly evaluations: number;
  /** Hessian-vector products. */
  readonly hessianProducts: number;
  /** The trust radius shrank below float32 resolution: no model step gives ascent any more. */
  readonly stalled: boolean;
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

const axpy = (alpha: number, x: Float64Array, y: Float64Array) => {
  for (let i = 0; i < y.length; i++) y[i] = y[i]! + alpha * x[i]!;
};

/** The tau >= 0 with ||z + tau p|| = radius (z is inside the ball). */
function toBoundary(z: Float64Array, p: Float64Array, radius: number): number {
  const a = dot(p, p);
  const b = 2 * dot(z, p);
  const c = dot(z, z) - radius * radius;
  return (-b + Math.sqrt(Math.max(0, b * b - 4 * a * c))) / (2 * a);
}

/** A model step: d, the model's predicted ascent g.d + 1/2 d.H d, and whether it hit the ball. */
export interface ModelStep {
  readonly d: Float64Array;
  readonly predicted: number;
  readonly onBoundary: boolean;
  readonly products: number;
}

/**
 * Steihaug-Toint CG: approximately maximizes m(d) = g.d + 1/2 d.H d over ||d|| <= radius with
 * products `hessian(v) = H v`. Stops at a CG solution with residual <= `residualTol`, at the
 * boundary, along a direction of non-negative curvature of H (followed to the boundary), or after
 * `maxProducts` products. The first iterate is the Cauchy point, so the step always ascends the
 * model at least as much as a gradient step does.
 */
export function steihaugStep(
  hessian: (v: Float64Array) => Float64Array,
  g: Float64Array,
  radius: number,
  maxProducts: number,
  residualTol: number,
): ModelStep {
  const n = g.length;
  const z = new Float64Array(n);
  // B = -H is the model's curvature for minimizing -m; Bz tracks B z for the prediction.
  const Bz = new Float64Array(n);
  const r = Float64Array.from(g);
  const p = Float64Array.from(g);
  let rr = dot(r, r);
  let onBoundary = false;
  let products = 0;
  while (products < maxProducts && Math.sqrt(rr) > residualTol) {
    const Bp = hessian(p).map((v) => -v);
    products++;
    const kappa = dot(p, Bp);
    const alpha = rr / kappa;
    const reach = dot(z, z) + 2 * alpha * dot(z, p) + alpha * alpha * dot(p, p);
    if (!(kappa > 0) || reach >= radius * radius) {
      const tau = toBoundary(z, p, radius);
      axpy(tau, p, z);
      axpy(tau, Bp, Bz);
      onBoundary = true;
      break;
    }
    axpy(alpha, p, z);
    axpy(alpha, Bp, Bz);
    axpy(-alpha, Bp, r);
    const rrNext = dot(r, r);
    const beta = rrNext / rr;
    rr = rrNext;
    for (let i = 0; i < n; i++) p[i] = r[i]! + beta * p[i]!;
  }
  return { d: z, predicted: dot(g, z) - 0.5 * dot(z, Bz), onBoundary, products };
}

/**
 * Maximizes G from x0 (modified in place and returned) by trust-region Newton-CG
 * ({@link NewtonCgSolver}).
 */
export function trustRegionMaximize(
  objective: TrustRegionObjective,
  x0: Float64Array,
  solver: NewtonCgSolver,
): TrustRegionRun {
  const {
    maxSteps = 20,
    tol = 1e-5,
    cgIterations = 20,
    cgTol = 0.1,
    radius: radius0 = 0.1,
    maxRadius = 10,
  } = solver;
  const where = 'newton-cg solver';
  checkInteger(maxSteps, 'maxSteps', where, 0);
  checkPositive(tol, 'tol', where);
  checkInteger(cgIterations, 'cgIterations', where, 1);
  checkPositive(cgTol, 'cgTol', where);
  checkPositive(radius0, 'radius', where);
  checkPositive(maxRadius, 'maxRadius', where);
  if (maxRadius < radius0) {
    throw new AdaptationError(
      `${where}: maxRadius (${maxRadius}) must be >= radius (${radius0}); raise maxRadius`,
    );
  }
  const x = x0;
  let { value, grad } = objective.evaluate(x);
  if (!Number.isFinite(value)) throw new AdaptationError(`${where}: G is not finite at the start`);
  const g0 = Math.sqrt(dot(grad, grad));
  let radius = radius0;
  let evaluations = 1;
  let hessianProducts = 0;
  let stalled = false;
  let steps = 0;
  for (; steps < maxSteps; steps++) {
    const gNorm = Math.sqrt(dot(grad, grad));
    if (gNorm <= tol) break;
    const hessian = objective.hessianAt(x);
    let step: ModelStep;
    try {
      const forcing = Math.min(cgTol, Math.sqrt(gNorm / g0));
      step = steihaugStep((v) => hessian.apply(v), grad, radius, cgIterations, forcing * gNorm);
    } finally {
      hessian.dispose();
    }
    hessianProducts += step.products;
    const candidate = x.map((xi, i) => xi + step.d[i]!);
    const trial = objective.evaluate(candidate);
    evaluations++;
    const actual = trial.value - value;
    const rho = actual / step.predicted;
    // G comes from float32 tfjs sums: an ascent below its resolution reads as noise, so a step
    // that leaves G unchanged within it and shrinks the gradient is accepted too.
    const flat =
      Math.abs(actual) <= 1e-6 * (1 + Math.abs(value)) &&
      dot(trial.grad, trial.grad) < gNorm * gNorm;
    const finite = Number.isFinite(trial.value) && trial.grad.every(Number.isFinite);
    const stepNorm = Math.sqrt(dot(step.d, step.d));
    if (!finite || !(rho >= 0.25)) radius = 0.25 * stepNorm;
    else if (rho > 0.75 && step.onBoundary) radius = Math.min(2 * radius, maxRadius);
    if (finite && (rho > 0.1 || flat)) {
      x.set(candidate);
      ({ value, grad } = trial);
    }
    if (radius <= 1e-7 * (1 + Math.sqrt(dot(x, x)))) {
      stalled = true; // below float32 resolution of theta: no step can be measured any more
      steps++;
      break;
    }
  }
  return { x, steps, evaluations, hessianProducts, stalled };
}
