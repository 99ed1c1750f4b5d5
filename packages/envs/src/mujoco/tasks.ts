import { describeValue, EnvError } from '../errors';

/** A goal-velocity task: run forward at `velocity` m/s (plain JSON). */
export interface VelocityTask {
  velocity: number;
}

/** A goal-direction task: run forward (`1`) or backward (`-1`) as fast as possible (plain JSON). */
export interface DirectionTask {
  direction: 1 | -1;
}

/** Validates a {@link VelocityTask} (any finite velocity: test tasks may lie outside training's range). */
export function validateVelocityTask(family: string, task: unknown): VelocityTask {
  const v = (task as { velocity?: unknown } | null)?.velocity;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new EnvError(
      `${family}: a task is { velocity: number } with a finite velocity, got velocity ${describeValue(v)}`,
    );
  }
  return { velocity: v };
}

/** Validates a {@link DirectionTask}. */
export function validateDirectionTask(family: string, task: unknown): DirectionTask {
  const d = (task as { direction?: unknown } | null)?.direction;
  if (d !== 1 && d !== -1) {
    throw new EnvError(
      `${family}: a task is { direction: 1 | -1 }, got direction ${describeValue(d)}`,
    );
  }
  return { direction: d };
}
