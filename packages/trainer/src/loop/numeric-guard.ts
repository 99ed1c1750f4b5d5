import type { Config } from '../config/schema';

/**
 * Guards against numbers that went bad during training (NaN, Infinity, a diverging phi, a
 * solver that failed on an ill-conditioned system). The trainer checks every step before it
 * appends metrics or writes a checkpoint, so the last checkpoint on disk is always a good one.
 */

/** |phi|_inf above this is divergence: no sane policy parameterization needs such values. */
export const DIVERGENCE_LIMIT = 1e5;

/** A numeric failure of the run, with the config fields most likely to blame. */
export class NumericFailure extends Error {
  constructor(
    readonly iteration: number,
    readonly problem: string,
    /** Config fields to change, most likely first. */
    readonly fields: readonly string[],
    readonly advice: string,
  ) {
    super(`iteration ${iteration}: ${problem}. ${advice}`);
    this.name = 'NumericFailure';
  }
}

interface Suspect {
  readonly field: string;
  /** How far outside its usual range the value is (0: inside). */
  readonly score: number;
  readonly advice: string;
}

const outside = (value: number, low: number, high: number) =>
  value < low ? Math.log10(low / value) : value > high ? Math.log10(value / high) : 0;

/** The config fields that can make the numbers blow up, ranked by how unusual their value is. */
export function numericSuspects(config: Config): Suspect[] {
  const s: Suspect[] = [];
  const { meta, method, policy } = config;
  if (meta.optimizer !== 'trpo') {
    s.push({
      field: 'meta.lr',
      score: outside(meta.lr, 1e-5, 0.5) + 0.01,
      advice: `lower meta.lr (now ${meta.lr}; 0.001 to 0.1 is usual)`,
    });
  } else {
    s.push({
      field: 'meta.maxKl',
      score: outside(meta.maxKl, 1e-5, 0.1) + 0.01,
      advice: `lower meta.maxKl (now ${meta.maxKl}; about 0.01 is usual)`,
    });
  }
  if (method.kind === 'bomrl') {
    s.push({
      field: 'method.lambda',
      score: outside(method.lambda, 1e-2, 1e3),
      advice: `raise method.lambda (now ${method.lambda}; 0.1 to 10 is usual): a tiny lambda makes the lower-level problem ill-conditioned`,
    });
    if (method.testLambda !== undefined) {
      s.push({
        field: 'method.testLambda',
        score: outside(method.testLambda, 1e-2, 1e3),
        advice: `raise method.testLambda (now ${method.testLambda})`,
      });
    }
  } else {
    s.push({
      field: 'method.alpha',
      score: outside(method.alpha, 1e-4, 10),
      advice: `lower method.alpha (now ${method.alpha})`,
    });
  }
  if (policy.kind === 'tabular-softmax') {
    s.push({
      field: 'policy.initLogit',
      score: outside(Math.abs(policy.initLogit) + 1, 1, 100),
      advice: `use a moderate policy.initLogit (now ${policy.initLogit}; 0.1 gives the uniform policy)`,
    });
  } else if (policy.kind === 'gaussian-mlp') {
    s.push({
      field: 'policy.logStdInit',
      score: outside(Math.exp(Math.abs(policy.logStdInit)), 1, Math.exp(5)) * 10,
      advice: `use a moderate policy.logStdInit (now ${policy.logStdInit}; -1 to 1 is usual)`,
    });
  }
  return s.sort((a, b) => b.score - a.score);
}

/** Builds the failure for `problem` at `iteration`, naming the most likely fields. */
export function numericFailure(
  config: Config,
  iteration: number,
  problem: string,
  /** True when the starting parameters themselves are bad (no checkpoint exists yet). */
  initial = false,
): NumericFailure {
  const suspects = numericSuspects(config);
  const flagged = suspects.filter((x) => x.score > 0.01);
  const named = (flagged.length ? flagged : suspects).slice(0, 2);
  const kept = initial
    ? 'The run stopped before writing a bad checkpoint (none was written).'
    : 'The run stopped before writing a bad checkpoint; the last good one is kept.';
  const advice = `${kept} Try: ${named.map((x) => x.advice).join('; or ')}.`;
  return new NumericFailure(
    iteration,
    problem,
    named.map((x) => x.field),
    advice,
  );
}

/** Describes what is wrong with a vector (undefined when all entries are finite and bounded). */
export function vectorProblem(
  name: string,
  x: ArrayLike<number>,
  limit = Infinity,
): string | undefined {
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!Number.isFinite(v)) return `${name}[${i}] is ${v}`;
    worst = Math.max(worst, Math.abs(v));
  }
  if (worst > limit)
    return `${name} diverged (max |${name}| = ${worst.toExponential(2)} > ${limit.toExponential(0)})`;
  return undefined;
}

/** Errors thrown by numeric code that mean "the numbers went bad", not a bug or bad input. */
export function isNumericError(error: unknown): boolean {
  const m = error instanceof Error ? error.message : String(error);
  return /singular|not finite|non-finite|NaN|Infinity|did not converge|diverge|ill-conditioned|not positive definite/i.test(
    m,
  );
}
