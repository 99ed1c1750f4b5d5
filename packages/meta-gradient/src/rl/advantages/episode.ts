import type { Trajectory } from './trajectory';

/**
 * One recorded episode as plain arrays: a {@link Trajectory} (observations, rewards) plus the
 * actions taken. What a sampler returns and what the RL meta-gradients take.
 */
export interface Episode extends Trajectory {
  /** Actions, `length * actionSize` numbers (a discrete action as its index). */
  readonly actions: Float32Array;
  readonly actionSize: number;
}
