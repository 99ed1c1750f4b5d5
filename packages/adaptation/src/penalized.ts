import { gradient, holdingForwardPasses } from '@bomrl/core';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { closedFormApplies, reverseKLClosedForm } from './closed-form';
import { type AdaptationData, validateData } from './data';
import { AdaptationError } from './errors';
import { checkDistance, checkLambda, lowerLevelObjective, type PenaltySpec } from './objective';
import { type IterativeSolver, maximize, type ProblemStructure, type SolverSpec } from './solvers';
import { surrogate } from './surrogates';

/** A penalized problem and how to solve it. */
export interface PenalizedProblem extends PenaltySpec {
  readonly solver?: SolverSpec;
}

/** The solution of one penalized problem with its measured quantities. */
export interface PenalizedSolution {
  /** theta' (caller owns it). */
  readonly theta: Tensor1D;
  readonly solver: 'closed-form' | IterativeSolver['kind'];
  readonly steps: number;
  readonly gradNorm: number;
  readonly converged: boolean;
  /** G(theta', phi). */
  readonly objective: number;
  /** L(theta'; phi). */
  readonly surrogate: number;
  /** D2(phi, theta'). */
  readonly distance: number;
}

/** Default tolerance the closed form is checked against (its gradient is float32 noise). */
const CLOSED_FORM_TOL = 1e-5;

/** Resolves `'auto'` to a concrete solver for this data. */
export function resolveSolver(problem: PenalizedProblem, data: AdaptationData): SolverSpec {
  const solver = problem.solver ?? { kind: 'auto' };
  if (solver.kind !== 'auto') return solver;
  if (closedFormApplies(problem.distance, data, problem.surrogate)) return { kind: 'closed-form' };
  return data.kind === 'exact' ? { kind: 'newton' } : { kind: 'adam' };
}

/**
 * Solves max_theta G(theta, phi) = L - lambda D2 on fixed data from `start` (default phi) and
 * measures L, D2, G and ||grad_theta G|| at the solution.
 */
export function solvePenalized(
  phi: Tensor1D,
  data: AdaptationData,
  problem: PenalizedProblem,
  start?: Tensor1D,
): PenalizedSolution {
  checkLambda(problem.lambda);
  checkDistance(problem.distance);
  validateData(data, 'adapt', phi.size);
  if (phi.rank !== 1)
    throw new AdaptationError(`adapt: phi must be a flat 1-D tensor, got rank ${phi.rank}`);
  const solver = resolveSolver(problem, data);
  // Nothing here differentiates in phi: pi_phi's network outputs on the batch are computed
  // once and held as constants for every evaluation (on a private copy of phi, so that no theta
  // the solver differentiates can be mistaken for it).
  const fixedPhi = tf.clone(phi);
  try {
    return holdingForwardPasses(fixedPhi, () =>
      solveAt(fixedPhi, data, { ...problem, solver }, start ?? phi),
    );
  } finally {
    fixedPhi.dispose();
  }
}

/** {@link solvePenalized} after validation, with a resolved solver. */
function solveAt(
  phi: Tensor1D,
  data: AdaptationData,
  problem: PenalizedProblem & { readonly solver: SolverSpec },
  start: Tensor1D,
): PenalizedSolution {
  const { solver } = problem;
  const G = lowerLevelObjective(problem, data);
  const f = (theta: Tensor1D) => G(theta, phi);
  let theta: Tensor1D;
  let steps = 0;
  let iterativeConverged: boolean | undefined;
  /** ||grad G(theta')|| as an iterative solver measured it (at the theta it returns). */
  let solverGradNorm: number | undefined;
  if (solver.kind === 'closed-form') {
    if (!closedFormApplies(problem.distance, data, problem.surrogate) || data.kind !== 'exact') {
      throw new AdaptationError(
        `adapt: the closed form exists only in exact mode with reverseKL, the plain ratio and no linearization (distance '${problem.distance.name}', data '${data.kind}'); use solver { kind: 'newton' }`,
      );
    }
    theta = reverseKLClosedForm(phi, data, problem.lambda, problem.surrogate?.weighting);
  } else if (solver.kind === 'auto') {
    throw new AdaptationError('adapt: internal error, unresolved auto solver');
  } else {
    const structure: ProblemStructure | undefined =
      data.kind === 'exact'
        ? {
            nStates: data.nStates,
            nActions: data.nActions,
            separable: problem.distance.separable === true,
            shiftInvariant: problem.distance.shiftInvariant === true,
          }
        : undefined;
    const solved = maximize(f, start, solver, structure);
    theta = solved.theta;
    steps = solved.steps;
    iterativeConverged = solved.converged;
    solverGradNorm = solved.gradNorm;
  }
  const measured = tf.tidy(() => {
    const L = surrogate(data, problem.surrogate)(theta, phi).dataSync()[0] as number;
    const D = problem.distance.value(theta, phi, data).dataSync()[0] as number;
    // the iterative solvers' last evaluation already took this gradient at theta'
    const gradNorm =
      solverGradNorm ?? Math.sqrt(tf.sum(tf.square(gradient(f, theta))).dataSync()[0] as number);
    return { L, D, gradNorm };
  });
  return {
    theta,
    solver: solver.kind,
    steps,
    gradNorm: measured.gradNorm,
    // Iterative solvers judged convergence themselves; the closed form is checked here.
    converged: iterativeConverged ?? measured.gradNorm <= CLOSED_FORM_TOL,
    objective: measured.L - problem.lambda * measured.D,
    surrogate: measured.L,
    distance: measured.D,
  };
}
