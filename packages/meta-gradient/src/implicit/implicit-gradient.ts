import { ensureSecondOrderGradients, holdingForwardPasses } from '@bomrl/core';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { dot, type HostMatvec, hostMatvec, norm, toHost, toTensor } from './host';
import { type BilevelObjective, crossHvp, gradTheta, type HvpOptions, hvp } from './hvp';
import type { SolveReport } from './linear-solvers';
import { type SolveSpec, solveHost, solveWarnings } from './solve';

/** Whether the inner problem maximizes or minimizes its objective over theta. */
export type Sense = 'max' | 'min';

/** Default bound on ||grad_theta G(theta*, phi)|| before a stationarity warning. */
export const DEFAULT_STATIONARITY_TOL = 1e-3;

/** Inputs of {@link implicitGradient}. */
export interface ImplicitGradientOptions {
  /** The inner objective G(theta, phi), a tfjs scalar, twice differentiable in theta. */
  objective: BilevelObjective;
  /** theta*(phi): a stationary point of G(., phi) (your inner solver's output). Not disposed. */
  solution: Tensor1D;
  /** phi, the outer parameters. Not disposed. */
  params: Tensor1D;
  /** g = grad_theta outer(theta) at theta*. Not disposed. */
  outerGradient: Tensor1D;
  /**
   * Required. `'max'` (as in BO-MRL): theta* = argmax_theta G, H = -Hess_theta G.
   * `'min'`: theta* = argmin_theta G, H = +Hess_theta G. There is no default because a wrong
   * sense makes H negative definite and the gradient wrong (CG stops at once with a zero
   * gradient): say which one your inner solver does.
   */
  sense: Sense;
  /** How to solve H v = g. Default `{ kind: 'cg' }` (100 products, tol 1e-6, no damping). */
  solve?: SolveSpec;
  /** How Hessian-vector and cross products are computed. Default double backprop. */
  hvp?: HvpOptions;
  /** Warn when ||grad_theta G(theta*, phi)|| exceeds this. Default 1e-3. */
  stationarityTol?: number;
}

/** Diagnostics of an implicit-gradient computation. */
export interface ImplicitGradientDiagnostics extends SolveReport {
  /** The solver used for the adjoint system. */
  solver: SolveSpec['kind'];
  /**
   * ||grad_theta G(theta*, phi)|| (or ||F(theta*, phi)|| for a condition) at the given solution.
   * The implicit function theorem assumes 0: the gradient is only as good as this is small.
   */
  stationarity: number;
  /** Everything that looked wrong (empty when nothing did). Nothing is logged. */
  warnings: string[];
}

/** Output of {@link implicitGradient}. Tensors are owned by the caller. */
export interface ImplicitGradientResult {
  /** d outer(theta*(phi)) / d phi. */
  gradient: Tensor1D;
  /** The adjoint v solving H v = g. */
  adjoint: Tensor1D;
  diagnostics: ImplicitGradientDiagnostics;
}

/** The host operator u -> H u with H = -Hess G (max) or +Hess G (min) at (theta*, phi). */
export function curvatureOperator(
  objective: BilevelObjective,
  theta: Tensor1D,
  phi: Tensor1D,
  sense: Sense,
  hvpOptions: HvpOptions,
): HostMatvec {
  const sign = sense === 'max' ? -1 : 1;
  return hostMatvec(
    (u) =>
      tf.mul(
        sign,
        hvp((th) => objective(th, phi), theta, u, hvpOptions),
      ),
    theta.shape[0],
  );
}

/** Throws unless `sense` is 'max' or 'min' (no default: a wrong one gives a wrong gradient). */
export function checkSense(name: string, sense: unknown): asserts sense is Sense {
  if (sense === 'max' || sense === 'min') return;
  throw new TypeError(
    `${name}: options.sense is required and must be 'max' or 'min', got ${JSON.stringify(sense)}. ` +
      "Pass sense: 'max' if the solution maximizes the objective over theta (BO-MRL's lower " +
      "level), sense: 'min' if it minimizes it.",
  );
}

export function stationarityWarning(value: number, tol: number, what: string): string[] {
  if (value <= tol && Number.isFinite(value)) return [];
  return [
    `${what} = ${value.toExponential(2)} exceeds ${tol.toExponential(0)}: the solution is not ` +
      'stationary, so the implicit function theorem (and this gradient) does not strictly apply',
  ];
}

/** A positive definite H has v^T H v = v^T g > 0 for the solution of H v = g (g != 0). */
export function definitenessWarning(v: Float64Array, g: Float64Array): string[] {
  if (norm(g) === 0 || dot(v, g) > 0) return [];
  return [
    'v^T g <= 0 for the adjoint v: H is not positive definite (is `sense` right, and is the ' +
      'solution a strict local optimum?)',
  ];
}

function checkShapes(name: string, solution: Tensor1D, params: Tensor1D, g: Tensor1D): void {
  if (solution.rank !== 1 || params.rank !== 1 || g.rank !== 1) {
    throw new RangeError(`${name}: solution, params and outerGradient must be 1-D tensors`);
  }
  if (g.shape[0] !== solution.shape[0]) {
    throw new RangeError(
      `${name}: outerGradient has ${g.shape[0]} entries but the solution has ${solution.shape[0]}`,
    );
  }
}

/**
 * Implicit gradient through an inner optimization problem, `custom_root` style.
 *
 * For theta*(phi) = argmax_theta G(theta, phi) (sense `'max'`), stationarity
 * grad_theta G(theta*(phi), phi) = 0 gives, by the implicit function theorem,
 * d theta* / d phi = H^{-1} Hess_{theta phi} G with H = -Hess_{theta theta} G, hence
 *
 *     solve H v = g,   d outer / d phi = grad_phi <grad_theta G(theta, phi), v>  at theta*, v fixed.
 *
 * For sense `'min'`, H = +Hess_{theta theta} G and the result is -grad_phi <grad_theta G, v>.
 * Cost: one adjoint solve (each product a Hessian-vector product in theta) plus one cross product.
 */
export function implicitGradient(options: ImplicitGradientOptions): ImplicitGradientResult {
  const {
    objective,
    solution,
    params,
    outerGradient,
    sense,
    solve = { kind: 'cg' },
    hvp: hvpOptions = {},
    stationarityTol = DEFAULT_STATIONARITY_TOL,
  } = options;
  checkSense('implicitGradient', sense);
  checkShapes('implicitGradient', solution, params, outerGradient);
  ensureSecondOrderGradients();

  // Until the cross product nothing differentiates in phi: a policy's outputs at phi are
  // computed once and held as constants (`@bomrl/policies`), unless theta* IS phi's tensor.
  const fixedPhi = <T>(fn: () => T): T =>
    solution === params ? fn() : holdingForwardPasses(params, fn);
  const stationarity = fixedPhi(() =>
    tf.tidy(() => tf.norm(gradTheta(objective, solution, params)).dataSync()[0]!),
  );
  const g = toHost(outerGradient);
  const H = curvatureOperator(objective, solution, params, sense, hvpOptions);
  const { x: v, ...report } = fixedPhi(() => solveHost(solve, H, g));

  const adjoint = toTensor(v);
  const gradient = tf.tidy(() => {
    const cross = crossHvp(objective, solution, params, adjoint, hvpOptions);
    return sense === 'max' ? cross : tf.neg(cross);
  });
  return {
    gradient,
    adjoint,
    diagnostics: {
      solver: solve.kind,
      ...report,
      stationarity,
      warnings: [
        ...stationarityWarning(stationarity, stationarityTol, '||grad_theta G(theta*, phi)||'),
        ...solveWarnings(solve.kind, { x: v, ...report }),
        ...(report.negativeCurvature ? [] : definitenessWarning(v, g)),
      ],
    },
  };
}
