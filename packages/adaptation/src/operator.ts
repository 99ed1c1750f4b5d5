import type { Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { type ConstrainedProblem, type ConstraintReport, solveConstrained } from './constrained';
import { type AdaptationData, validateData } from './data';
import { l2 } from './distances';
import { AdaptationError } from './errors';
import { checkMaml, type MamlProblem, mamlAdapt } from './maml';
import { type PenalizedProblem, type PenalizedSolution, solvePenalized } from './penalized';
import { surrogate } from './surrogates';

/** BO-MRL's operator: max_theta L(theta; phi) - lambda D2(phi, theta). */
export interface PenalizedSpec extends PenalizedProblem {
  readonly kind?: 'penalized';
}

/** The trust-region operator: max_theta L(theta; phi) s.t. D2(phi, theta) <= delta. */
export interface ConstrainedSpec extends ConstrainedProblem {
  readonly kind: 'constrained';
}

/** MAML's inner step(s): theta = phi + alpha grad L_PG(phi). */
export interface MamlSpec extends MamlProblem {
  readonly kind: 'maml';
}

/** Any adaptation operator's settings; `kind` picks the operator (default `'penalized'`). */
export type AdaptSpec = PenalizedSpec | ConstrainedSpec | MamlSpec;

/** What every operator reports besides theta'. */
export interface AdaptDiagnostics {
  /** e.g. `'penalized/reverse-kl'`, `'constrained/forward-kl'`, `'maml'`. */
  readonly operator: string;
  /** `'closed-form'`, `'newton'`, `'adam'`, `'gradient-ascent'` or `'policy-gradient'` (MAML). */
  readonly solver: string;
  /** Solver iterations (MAML: inner steps; constrained: the final subproblem's). */
  readonly steps: number;
  /**
   * ||grad_theta G(theta', phi)||_2 at the returned theta (MAML: the norm of the last policy
   * gradient, the quantity its step follows; there is no stationarity to reach).
   */
  readonly gradNorm: number;
  /** Whether the stationarity tolerance was reached (MAML: always true). */
  readonly converged: boolean;
  /** L(theta'; phi), the surrogate (plain ratio for MAML). */
  readonly surrogate: number;
  /** D2(phi, theta') (MAML: ||theta' - phi||^2). */
  readonly distance: number;
  /** G = L - lambda D2 at theta' with the lambda below. */
  readonly objective: number;
  /**
   * The penalty weight of the problem solved: the given lambda; mu* when a constraint is
   * active; 1 / (2 alpha) for MAML (one PG step solves the linearized-L, l2 problem at it).
   */
  readonly lambda: number;
  /** Constrained operator only. */
  readonly constraint?: ConstraintReport;
}

/** The adapted parameters (caller owns the tensor) and what happened. */
export interface Adaptation {
  readonly params: Tensor1D;
  readonly diagnostics: AdaptDiagnostics;
}

/** An operator bound to its settings, so a trainer swaps algorithms by swapping one value. */
export interface AdaptationOperator {
  readonly name: string;
  readonly spec: AdaptSpec;
  adapt(phi: Tensor1D, data: AdaptationData): Adaptation;
}

function operatorName(spec: AdaptSpec): string {
  if (spec.kind === 'maml') return 'maml';
  return `${spec.kind ?? 'penalized'}/${spec.distance?.name ?? '?'}`;
}

/** The diagnostics of a solved (penalized or constrained) lower level. */
function solvedDiagnostics(
  operator: string,
  s: PenalizedSolution,
  lambda: number,
  objective: number,
): AdaptDiagnostics {
  return {
    operator,
    solver: s.solver,
    steps: s.steps,
    gradNorm: s.gradNorm,
    converged: s.converged,
    surrogate: s.surrogate,
    distance: s.distance,
    objective,
    lambda,
  };
}

/**
 * Adapts the policy parameters `phi` on one-time `data` (a sampled batch or exact tabular
 * quantities) with the operator `spec` describes. Throws {@link AdaptationError} on bad input.
 *
 * @example
 * const { params, diagnostics } = adapt(phi, data, { distance: reverseKL, lambda: 0.2 });
 */
export function adapt(phi: Tensor1D, data: AdaptationData, spec: AdaptSpec): Adaptation {
  if (typeof spec !== 'object' || spec === null) {
    throw new AdaptationError(
      "adapt: pass a spec such as { distance: reverseKL, lambda: 0.2 } or { kind: 'maml', alpha: 0.1 }",
    );
  }
  if (!(phi instanceof tf.Tensor) || phi.rank !== 1) {
    throw new AdaptationError('adapt: phi must be a flat 1-D tensor of policy parameters');
  }
  const name = operatorName(spec);
  switch (spec.kind) {
    case undefined:
    case 'penalized': {
      const s = solvePenalized(phi, data, spec);
      return { params: s.theta, diagnostics: solvedDiagnostics(name, s, spec.lambda, s.objective) };
    }
    case 'constrained': {
      const { solution: s, constraint } = solveConstrained(phi, data, spec);
      const lambda = constraint.active ? constraint.multiplier : 0;
      return {
        params: s.theta,
        diagnostics: {
          ...solvedDiagnostics(name, s, lambda, s.surrogate - lambda * s.distance),
          constraint,
        },
      };
    }
    case 'maml': {
      checkMaml(spec);
      validateData(data, 'adapt (maml)', phi.size);
      const { theta, steps, lastGradNorm } = mamlAdapt(phi, data, spec);
      const lambda = 1 / (2 * spec.alpha);
      const measured = tf.tidy(() => ({
        L: surrogate(data, { weighting: spec.weighting })(theta, phi).dataSync()[0] as number,
        D: l2.value(theta, phi, data).dataSync()[0] as number,
      }));
      return {
        params: theta,
        diagnostics: {
          operator: name,
          solver: 'policy-gradient',
          steps,
          gradNorm: lastGradNorm,
          converged: true,
          surrogate: measured.L,
          distance: measured.D,
          objective: measured.L - lambda * measured.D,
          lambda,
        },
      };
    }
    default:
      throw new AdaptationError(
        `adapt: unknown spec.kind '${String((spec as { kind: unknown }).kind)}'; use 'penalized', 'constrained' or 'maml'`,
      );
  }
}

/**
 * Binds `spec` into an {@link AdaptationOperator}. The spec is validated on first use (adapt)
 * rather than here, so operators can be built before data exists.
 */
export function createOperator(spec: AdaptSpec): AdaptationOperator {
  return { name: operatorName(spec), spec, adapt: (phi, data) => adapt(phi, data, spec) };
}
