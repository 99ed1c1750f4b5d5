import { BomrlError } from '@bomrl/core';

/**
 * The one error type this package throws for bad inputs. Messages name the offending field and
 * say how to fix it, because adaptation is usually called deep inside a training loop where a
 * stack trace alone does not tell the user which of their arrays was wrong.
 */
export class AdaptationError extends BomrlError {
  static override readonly code: string = 'BOMRL_ADAPTATION';
  override get name(): string {
    return 'AdaptationError';
  }
}

/** Throws unless `x` is a finite number > 0. */
export function checkPositive(x: number, field: string, where: string, hint = ''): void {
  if (typeof x !== 'number' || !(x > 0) || !Number.isFinite(x)) {
    throw new AdaptationError(
      `${where}: ${field} must be a finite number > 0, got ${String(x)}${hint}`,
    );
  }
}

/** Throws unless `x` is an integer >= `min`. */
export function checkInteger(x: number, field: string, where: string, min: number): void {
  if (!Number.isInteger(x) || x < min) {
    throw new AdaptationError(`${where}: ${field} must be an integer >= ${min}, got ${String(x)}`);
  }
}

/** Throws naming the first non-finite entry of `values`. */
export function checkFinite(values: ArrayLike<number>, field: string, where: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i] as number)) {
      throw new AdaptationError(
        `${where}: ${field}[${i}] is ${String(values[i])}; all entries must be finite (check the advantage estimator / normalizer for NaN)`,
      );
    }
  }
}
