import type { Tensor1D } from '@tensorflow/tfjs-core';
import type { AdaptationData } from './data';
import type { Distance } from './distances';
import { AdaptationError, checkInteger, checkPositive } from './errors';
import { checkDistance } from './objective';
import { type PenalizedSolution, solvePenalized } from './penalized';
import type { SolverSpec } from './solvers';
import type { SurrogateOptions } from './surrogates';

/** Settings of the multiplier search (bisection on log lambda). */
export interface MultiplierSearch {
  /** First lambda tried (default 1). */
  readonly lambdaInit?: number;
  /** Below this the constraint is declared inactive (default 1e-6). */
  readonly lambdaMin?: number;
  /** The bracket search gives up above this (default 1e12). */
  readonly lambdaMax?: number;
  /** Stop when |D2 - delta| <= relTol * delta (default 1e-4). */
  readonly relTol?: number;
  /** Cap on penalized solves in the bisection phase (default 60). */
  readonly maxIter?: number;
}

/** The trust-region variant max_theta L(theta; phi) s.t. D2(phi, theta) <= delta. */
export interface ConstrainedProblem {
  readonly distance: Distance;
  /** Trust-region radius, > 0. */
  readonly delta: number;
  readonly surrogate?: SurrogateOptions;
  /** Solver of each penalized subproblem (default as in the penalized operator). */
  readonly solver?: SolverSpec;
  readonly search?: MultiplierSearch;
}

/** What the constrained solve reports about its constraint. */
export interface ConstraintReport {
  readonly delta: number;
  /** Whether D2 <= delta binds (the solution is on the trust-region boundary). */
  readonly active: boolean;
  /** The KKT multiplier mu*: the lambda with D2(theta'(lambda)) = delta, or 0 if inactive. */
  readonly multiplier: number;
  /** D2 at the returned theta. */
  readonly distance: number;
  /** Penalized solves the search used. */
  readonly searchSteps: number;
  /** Whether |D2 - delta| <= relTol * delta was reached (always true when inactive). */
  readonly satisfied: boolean;
}

/**
 * Solves the constrained problem through its penalized form: for an active constraint the
 * solution is the penalized one at lambda = mu*, the KKT multiplier, and D2(theta'(lambda))
 * decreases in lambda, so bisection on log lambda finds D2 = delta.
 *
 * Inactive: if D2 stays <= delta down to lambdaMin, the maximizer of L itself lies in the trust
 * region and mu* = 0. With the exact tabular L (linear in pi) that only happens when A = 0 on
 * visited states or when delta exceeds the largest D2 a policy can reach (reverse KL: greedy
 * policies, whose logits are infinite); the theta returned is then theta'(lambdaMin), the
 * near-greedy representative, with `active: false`.
 */
export function solveConstrained(
  phi: Tensor1D,
  data: AdaptationData,
  problem: ConstrainedProblem,
): { solution: PenalizedSolution; constraint: ConstraintReport } {
  const where = 'adapt (constrained)';
  checkDistance(problem.distance, where);
  checkPositive(problem.delta, 'delta', where, ' (the trust-region radius)');
  const {
    lambdaInit = 1,
    lambdaMin = 1e-6,
    lambdaMax = 1e12,
    relTol = 1e-4,
    maxIter = 60,
  } = problem.search ?? {};
  checkPositive(lambdaInit, 'search.lambdaInit', where);
  checkPositive(lambdaMin, 'search.lambdaMin', where);
  checkPositive(relTol, 'search.relTol', where);
  checkInteger(maxIter, 'search.maxIter', where, 1);
  const { delta } = problem;
  let searchSteps = 0;
  const solveAt = (lambda: number, start?: Tensor1D): PenalizedSolution => {
    searchSteps++;
    return solvePenalized(
      phi,
      data,
      { distance: problem.distance, lambda, surrogate: problem.surrogate, solver: problem.solver },
      start,
    );
  };
  const close = (s: PenalizedSolution) => Math.abs(s.distance - delta) <= relTol * delta;
  const report = (s: PenalizedSolution, active: boolean, multiplier: number) => ({
    solution: s,
    constraint: {
      delta,
      active,
      multiplier,
      distance: s.distance,
      searchSteps,
      satisfied: !active || close(s),
    },
  });

  // Bracket: lo has D2 > delta (lambda too small), hi has D2 <= delta.
  let current = solveAt(lambdaInit);
  if (close(current)) return report(current, true, lambdaInit);
  let lo: { lambda: number; s: PenalizedSolution } | undefined;
  let hi: { lambda: number; s: PenalizedSolution } | undefined;
  if (current.distance > delta) {
    lo = { lambda: lambdaInit, s: current };
    for (let lambda = lambdaInit * 10; hi === undefined; lambda *= 10) {
      if (lambda > lambdaMax) {
        lo.s.theta.dispose();
        throw new AdaptationError(
          `${where}: D2 stays above delta = ${delta} up to lambda = ${lambdaMax}; is the distance 0 at theta = phi?`,
        );
      }
      const s = solveAt(lambda, lo.s.theta);
      if (s.distance <= delta) hi = { lambda, s };
      else {
        lo.s.theta.dispose();
        lo = { lambda, s };
      }
    }
  } else {
    hi = { lambda: lambdaInit, s: current };
    for (let lambda = lambdaInit / 10; lo === undefined; lambda /= 10) {
      if (lambda < lambdaMin) return report(hi.s, false, 0);
      const s = solveAt(lambda, hi.s.theta);
      if (close(s)) {
        hi.s.theta.dispose();
        return report(s, true, lambda);
      }
      if (s.distance > delta) lo = { lambda, s };
      else {
        hi.s.theta.dispose();
        hi = { lambda, s };
      }
    }
  }
  // Bisection in log lambda; each solve starts from the nearer bracket's solution.
  for (let it = 0; it < maxIter; it++) {
    const lambda = Math.sqrt(lo.lambda * hi.lambda);
    current = solveAt(lambda, hi.s.theta);
    if (close(current)) {
      lo.s.theta.dispose();
      hi.s.theta.dispose();
      return report(current, true, lambda);
    }
    if (current.distance > delta) {
      lo.s.theta.dispose();
      lo = { lambda, s: current };
    } else {
      hi.s.theta.dispose();
      hi = { lambda, s: current };
    }
  }
  // Out of iterations: return the feasible end of the bracket.
  lo.s.theta.dispose();
  return report(hi.s, true, hi.lambda);
}
