import type { HostMatvec } from './host';
import {
  type CGOptions,
  conjugateGradientHost,
  type DirectOptions,
  directSolveHost,
  type HostSolveResult,
  type NeumannOptions,
  neumannSeriesHost,
  type SolveReport,
} from './linear-solvers';

/**
 * Which solver an implicit gradient uses for its symmetric positive definite adjoint system
 * H v = g, and with what settings.
 * - `cg` (default): conjugate gradient; see {@link conjugateGradient}.
 * - `neumann`: truncated Neumann series; needs `alpha` with ||I - alpha H|| < 1.
 * - `direct`: dense float64 LU after n products; exact, for small n.
 */
export type SolveSpec =
  | ({ kind: 'cg' } & CGOptions)
  | ({ kind: 'neumann' } & NeumannOptions)
  | ({ kind: 'direct' } & DirectOptions);

/** The solver kinds of {@link SolveSpec}. */
export type SolverKind = SolveSpec['kind'];

/** Dispatches a {@link SolveSpec} on host vectors. */
export function solveHost(spec: SolveSpec, matvec: HostMatvec, b: Float64Array): HostSolveResult {
  switch (spec.kind) {
    case 'cg':
      return conjugateGradientHost(matvec, b, spec);
    case 'neumann':
      return neumannSeriesHost(matvec, b, spec);
    case 'direct':
      return directSolveHost(matvec, b, spec);
  }
}

/** The report of a host solve, without its solution vector. */
export function reportOf(result: HostSolveResult): SolveReport {
  return {
    iterations: result.iterations,
    residualNorm: result.residualNorm,
    relativeResidual: result.relativeResidual,
    converged: result.converged,
    negativeCurvature: result.negativeCurvature,
    breakdown: result.breakdown,
  };
}

/** Human-readable warnings for a solve that did not go as planned. */
export function solveWarnings(kind: string, report: HostSolveResult): string[] {
  const warnings: string[] = [];
  if (report.negativeCurvature) {
    warnings.push(
      `${kind}: the system matrix is not positive definite along a search direction ` +
        '(is the solution a strict local optimum, and is `sense` right? consider damping)',
    );
  }
  if (report.breakdown) warnings.push(`${kind}: the solver broke down`);
  if (!report.converged && !report.negativeCurvature) {
    warnings.push(
      `${kind}: not converged after ${report.iterations} products ` +
        `(relative residual ${report.relativeResidual.toExponential(2)})`,
    );
  }
  if (!Number.isFinite(report.relativeResidual)) warnings.push(`${kind}: non-finite residual`);
  return warnings;
}
