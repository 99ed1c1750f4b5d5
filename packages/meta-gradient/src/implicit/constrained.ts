import { ensureSecondOrderGradients } from '@bomrl/core';
import type { Scalar, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { axpy, dot, type HostMatvec, norm, takeHost, toHost, toTensor } from './host';
import { type BilevelObjective, crossHvp, gradPhi, gradTheta, type HvpOptions } from './hvp';
import {
  checkSense,
  curvatureOperator,
  DEFAULT_STATIONARITY_TOL,
  definitenessWarning,
  type ImplicitGradientDiagnostics,
  implicitGradient,
  type Sense,
  stationarityWarning,
} from './implicit-gradient';
import { denseMatrix, type HostSolveResult, solveDenseSystem } from './linear-solvers';
import { reportOf, type SolveSpec, solveHost, solveWarnings } from './solve';

/**
 * How the (n+1) x (n+1) saddle-point adjoint system [[H, c], [c^T, 0]] [v; w] = [g; 0] is solved
 * (with `solve.kind: 'direct'` it is always assembled densely and solved by LU).
 * - `'projected'` (default): one solve of (P H P) v = P g on the tangent space c^T v = 0,
 *   P = I - c c^T / ||c||^2, then w = c^T (g - H v) / ||c||^2. Needs H positive definite only on
 *   the tangent space (the second-order sufficient condition of a constrained maximum).
 * - `'schur'`: two solves a = H^{-1} g, b = H^{-1} c, then w = c^T a / c^T b, v = a - w b.
 *   Needs H positive definite on the whole space.
 */
export type SaddleMethod = 'projected' | 'schur';

/** Inputs of {@link constrainedImplicitGradient}. */
export interface ConstrainedGradientOptions {
  /** L(theta, phi), the inner objective. */
  objective: BilevelObjective;
  /** D(theta, phi), the constraint function: D(theta, phi) <= bound. */
  constraint: BilevelObjective;
  /** delta, the constraint bound. */
  bound: number;
  /**
   * The KKT multiplier mu >= 0 of the constraint at the solution (e.g. the penalty weight that
   * reproduces the constrained solution). If omitted it is estimated by least squares from
   * stationarity, mu = <grad L, c> / ||c||^2 (max; sign-flipped L for min), clipped at 0.
   */
  multiplier?: number;
  /** Required: `'max'` maximizes L, `'min'` minimizes L, both subject to D <= bound. */
  sense: Sense;
  /** theta*(phi). Not disposed. */
  solution: Tensor1D;
  /** phi. Not disposed. */
  params: Tensor1D;
  /** g = grad_theta outer(theta) at theta*. Not disposed. */
  outerGradient: Tensor1D;
  /** Solver for the systems with H_mu. Default `{ kind: 'cg' }`. */
  solve?: SolveSpec;
  /** Default `'projected'`. */
  saddle?: SaddleMethod;
  /** How Hessian-vector and cross products are computed. */
  hvp?: HvpOptions;
  /**
   * The constraint counts as active when D(theta*, phi) >= bound - constraintTol (and the
   * multiplier is positive). Default 1e-4 * max(1, |bound|).
   */
  constraintTol?: number;
  /** Warn when the stationarity residual exceeds this. Default 1e-3. */
  stationarityTol?: number;
}

/** Diagnostics of {@link constrainedImplicitGradient}. */
export interface ConstrainedGradientDiagnostics extends ImplicitGradientDiagnostics {
  /** Whether the KKT (active) formula was used; false: the unconstrained formula with G = L. */
  active: boolean;
  /** The multiplier used (0 when inactive). */
  multiplier: number;
  /** True when the multiplier was estimated rather than given. */
  multiplierEstimated: boolean;
  /** D(theta*, phi) - bound (should be ~0 when active, <= 0 always). */
  constraintResidual: number;
}

/** Output of {@link constrainedImplicitGradient}. Tensors are owned by the caller. */
export interface ConstrainedGradientResult {
  /** d outer(theta*(phi)) / d phi. */
  gradient: Tensor1D;
  /** v, the theta-block of the adjoint. */
  adjoint: Tensor1D;
  /** w, the multiplier-block of the adjoint (0 when inactive). */
  constraintAdjoint: number;
  diagnostics: ConstrainedGradientDiagnostics;
}

function scalarOf(s: Scalar): number {
  const value = s.dataSync()[0]!;
  s.dispose();
  return value;
}

/**
 * Implicit gradient through an inequality-constrained inner problem with one scalar constraint,
 *
 *     theta*(phi) = argmax_theta L(theta, phi)  subject to  D(theta, phi) <= delta.
 *
 * Active constraint (mu > 0): the KKT system F(theta, mu, phi) = [-(grad L - mu grad D);
 * D - delta] = 0 has the symmetric Jacobian K = [[H_mu, c], [c^T, 0]] in (theta, mu), with
 * H_mu = -(Hess L - mu Hess D) and c = grad_theta D. The implicit function theorem gives
 * d(theta, mu)/d phi = -K^{-1} dF/dphi, so with the adjoint K [v; w] = [g; 0]:
 *
 *     d outer / d phi = grad_phi <grad_theta L - mu grad_theta D, v> - w grad_phi D
 *
 * (theta*, mu, v, w held fixed). Inactive constraint (D < delta, mu = 0): the unconstrained
 * formula with G = L, well posed only where L has a strict interior maximum.
 */
export function constrainedImplicitGradient(
  options: ConstrainedGradientOptions,
): ConstrainedGradientResult {
  const {
    objective,
    constraint,
    bound,
    sense,
    solution,
    params,
    outerGradient,
    solve = { kind: 'cg' },
    saddle = 'projected',
    hvp: hvpOptions = {},
    constraintTol = 1e-4 * Math.max(1, Math.abs(bound)),
    stationarityTol = DEFAULT_STATIONARITY_TOL,
  } = options;
  checkSense('constrainedImplicitGradient', sense);
  ensureSecondOrderGradients();
  // Work with a maximization throughout: min L s.t. D <= delta is max -L s.t. D <= delta, with
  // the same multiplier and the same theta*(phi), hence the same gradient.
  const L: BilevelObjective =
    sense === 'max' ? objective : (theta, phi) => tf.neg(objective(theta, phi));

  const constraintResidual = scalarOf(tf.tidy(() => constraint(solution, params))) - bound;
  const c = takeHost(gradTheta(constraint, solution, params));
  const gradL = takeHost(gradTheta(L, solution, params));
  const cc = dot(c, c);
  const multiplierEstimated = options.multiplier === undefined;
  const mu = options.multiplier ?? (cc > 0 ? Math.max(0, dot(gradL, c) / cc) : 0);
  if (!(mu >= 0) || !Number.isFinite(mu)) {
    throw new RangeError(`constrainedImplicitGradient: multiplier must be >= 0, got ${mu}`);
  }
  const warnings: string[] = [];
  if (constraintResidual > constraintTol) {
    warnings.push(
      `D(theta*, phi) - bound = ${constraintResidual.toExponential(2)} > 0: the solution is infeasible`,
    );
  }
  const active = mu > 0 && constraintResidual >= -constraintTol;
  if (!multiplierEstimated && mu > 0 && !active) {
    warnings.push(
      `multiplier ${mu} > 0 but the constraint is slack (D - bound = ` +
        `${constraintResidual.toExponential(2)}): complementary slackness fails; treated as inactive`,
    );
  }

  if (!active) {
    const inner = implicitGradient({
      objective: L,
      solution,
      params,
      outerGradient,
      sense: 'max',
      solve,
      hvp: hvpOptions,
      stationarityTol,
    });
    return {
      gradient: inner.gradient,
      adjoint: inner.adjoint,
      constraintAdjoint: 0,
      diagnostics: {
        ...inner.diagnostics,
        warnings: [...warnings, ...inner.diagnostics.warnings],
        active: false,
        multiplier: 0,
        multiplierEstimated,
        constraintResidual,
      },
    };
  }

  if (cc === 0) {
    throw new RangeError('constrainedImplicitGradient: grad_theta D = 0 at an active constraint');
  }
  // The Lagrangian Lambda = L - mu D: its theta-Hessian is -H_mu and its cross term gives the
  // first part of the gradient.
  const lagrangian: BilevelObjective = (theta, phi) =>
    tf.sub(L(theta, phi), tf.mul(mu, constraint(theta, phi)));
  const stationarity = norm(gradL.map((gl, i) => gl - mu * c[i]!));
  const H = curvatureOperator(lagrangian, solution, params, 'max', hvpOptions);
  const g = toHost(outerGradient);

  let v: Float64Array;
  let w: number;
  let report: HostSolveResult;
  if (solve.kind === 'direct') {
    ({ v, w, report } = solveSaddleDense(H, c, g, solve.damping ?? 0));
  } else if (saddle === 'schur') {
    const a = solveHost(solve, H, g);
    const b = solveHost(solve, H, c);
    w = dot(c, a.x) / dot(c, b.x);
    v = a.x.map((ai, i) => ai - w * b.x[i]!);
    report = {
      ...a,
      iterations: a.iterations + b.iterations,
      converged: a.converged && b.converged,
      negativeCurvature: a.negativeCurvature || b.negativeCurvature,
      residualNorm: Math.max(a.residualNorm, b.residualNorm),
      relativeResidual: Math.max(a.relativeResidual, b.relativeResidual),
    };
  } else {
    // Projected: the tangent-space operator P H P is symmetric, positive definite on c-perp and
    // zero along c; started from 0 with a right-hand side in c-perp, every iterate stays there.
    const project = (u: Float64Array) => {
      const out = Float64Array.from(u);
      axpy(-dot(c, u) / cc, c, out);
      return out;
    };
    const PHP: HostMatvec = (u) => project(H(project(u)));
    report = solveHost(solve, PHP, project(g));
    v = project(report.x);
    // First block row: H v + c w = g, so w is the c-component of g - H v.
    const Hv = H(v);
    w = (dot(c, g) - dot(c, Hv)) / cc;
  }

  const adjoint = toTensor(v);
  const gradient = tf.tidy((): Tensor1D => {
    const cross = crossHvp(lagrangian, solution, params, adjoint, hvpOptions);
    return tf.sub(cross, tf.mul(w, gradPhi(constraint, solution, params)));
  });
  return {
    gradient,
    adjoint,
    constraintAdjoint: w,
    diagnostics: {
      solver: solve.kind,
      ...reportOf(report),
      stationarity,
      warnings: [
        ...warnings,
        ...stationarityWarning(
          stationarity,
          stationarityTol,
          '||grad_theta L - mu grad_theta D|| at (theta*, mu)',
        ),
        ...solveWarnings(solve.kind, report),
        ...(report.negativeCurvature ? [] : definitenessWarning(v, g)),
      ],
      active: true,
      multiplier: mu,
      multiplierEstimated,
      constraintResidual,
    },
  };
}

/** Assembles [[H + damping I, c], [c^T, 0]] densely (n products) and solves it by LU. */
function solveSaddleDense(
  H: HostMatvec,
  c: Float64Array,
  g: Float64Array,
  damping: number,
): { v: Float64Array; w: number; report: HostSolveResult } {
  const n = c.length;
  const Hd = denseMatrix(H, n);
  const K = Array.from({ length: n + 1 }, (_, i) => {
    const row = new Float64Array(n + 1);
    if (i < n) {
      row.set(Hd[i]!);
      row[i]! += damping;
      row[n] = c[i]!;
    } else {
      row.set(c);
    }
    return row;
  });
  const rhs = new Float64Array(n + 1);
  rhs.set(g);
  const sol = solveDenseSystem(K, rhs);
  let r2 = 0;
  for (let i = 0; i <= n; i++) r2 += (rhs[i]! - dot(K[i]!, sol)) ** 2;
  const gNorm = norm(g);
  return {
    v: sol.slice(0, n),
    w: sol[n]!,
    report: {
      x: sol,
      iterations: n,
      residualNorm: Math.sqrt(r2),
      relativeResidual: gNorm === 0 ? 0 : Math.sqrt(r2) / gNorm,
      converged: true,
      negativeCurvature: false,
      breakdown: false,
    },
  };
}
