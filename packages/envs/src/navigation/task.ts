import { describeValue, EnvError } from '../errors';

/** One 2D navigation task: the goal point (plain JSON). */
export interface Navigation2DTask {
  readonly kind: 'navigation-2d';
  readonly goal: readonly [number, number];
}

/** Checks a task and returns it typed; throws an {@link EnvError} naming the bad field. */
export function validateNavigationTask(task: unknown, where = 'task'): Navigation2DTask {
  if (typeof task !== 'object' || task === null || Array.isArray(task)) {
    throw new EnvError(
      `${where} must be an object { kind: 'navigation-2d', goal: [x, y] }, got ${describeValue(task)}`,
    );
  }
  const t = task as Record<string, unknown>;
  if (t.kind !== 'navigation-2d') {
    throw new EnvError(`${where}.kind must be 'navigation-2d', got ${describeValue(t.kind)}`);
  }
  const g = t.goal;
  if (
    !Array.isArray(g) ||
    g.length !== 2 ||
    !g.every((v) => typeof v === 'number' && Number.isFinite(v))
  ) {
    throw new EnvError(`${where}.goal must be [x, y], two finite numbers, got ${describeValue(g)}`);
  }
  return task as Navigation2DTask;
}
