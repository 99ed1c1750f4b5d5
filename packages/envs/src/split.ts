import { EnvError } from './errors';
import { Rng } from './rng';

/**
 * Splits tasks into `[train, test]` reproducibly: a seeded shuffle (default seed 0), then the
 * first `round(fraction * n)` go to train. The same tasks, fraction and seed always give the
 * same split; the input array is not modified.
 */
export function splitTasks<T>(tasks: readonly T[], trainFraction: number, seed = 0): [T[], T[]] {
  if (!Array.isArray(tasks)) throw new EnvError('splitTasks: tasks must be an array');
  if (typeof trainFraction !== 'number' || !(trainFraction >= 0 && trainFraction <= 1)) {
    throw new EnvError(
      `splitTasks: trainFraction must be a number in [0, 1], got ${String(trainFraction)}`,
    );
  }
  const shuffled = new Rng(seed).shuffle([...tasks]);
  const nTrain = Math.round(trainFraction * tasks.length);
  return [shuffled.slice(0, nTrain), shuffled.slice(nTrain)];
}

/** Throws unless n is a non-negative integer task count. */
export function checkTaskCount(n: number, where: string): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new EnvError(
      `${where}: n must be a non-negative integer number of tasks, got ${String(n)}`,
    );
  }
}
