/** One episode's data as the sampler records it (flat typed arrays, row-major). */
export interface Trajectory {
  /** Observations, `length * obsDim` values (s_0 .. s_{T-1}). */
  readonly observations: Float32Array;
  /** Rewards r_0 .. r_{T-1}. */
  readonly rewards: Float32Array;
  /** Observation width. */
  readonly obsDim: number;
  /**
   * True when the episode ended in a terminal state (no value after it); false when it was cut
   * by the time limit, where the baseline's value of the last state bootstraps the tail.
   */
  readonly terminated: boolean;
}

/** Number of steps in a trajectory, checked against its arrays. */
export function trajectoryLength(t: Trajectory): number {
  const n = t.rewards.length;
  if (!Number.isInteger(t.obsDim) || t.obsDim <= 0) {
    throw new RangeError(`trajectory: obsDim must be a positive integer, got ${t.obsDim}`);
  }
  if (t.observations.length !== n * t.obsDim) {
    throw new RangeError(
      `trajectory: observations has ${t.observations.length} values but ${n} rewards x obsDim ${t.obsDim} need ${n * t.obsDim}`,
    );
  }
  return n;
}
