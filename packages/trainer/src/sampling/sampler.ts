import type { Episode } from '@bomrl/meta-gradient';
import type { Tensor1D } from '@tensorflow/tfjs-core';

/** One recorded episode (defined by `@bomrl/meta-gradient`, whose RL meta-gradients take it). */
export type { Episode };

/** Collect `episodes` episodes of `task` with the policy parameters `params`. */
export interface SampleRequest<Task> {
  readonly task: Task;
  readonly params: Tensor1D;
  readonly episodes: number;
  /** Seeds env resets (copy i gets seed + i) and the action draws: same seed, same episodes. */
  readonly seed: number;
}

/**
 * Where episodes come from. Asynchronous on purpose: the in-process sampler answers at once, and
 * a worker-thread or multi-machine sampler can implement the same interface later without any
 * change to the training loops (they only ever `await sampler.sample(...)`).
 */
export interface Sampler<Task> {
  sample(requests: readonly SampleRequest<Task>[]): Promise<Episode[][]>;
  close(): void;
}
