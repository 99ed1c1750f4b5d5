/**
 * The contract between the meta-training loop and a meta-learning method (BO-MRL in exact or
 * sampled mode, MAML first/second order). The loop owns phi, the meta-optimizer, checkpoints and
 * metrics; a method only turns (phi, a batch of tasks) into a meta-gradient and, for the
 * trust-region meta-step, the pieces TRPO needs. Everything crosses the boundary as float64
 * host arrays, so the loop never holds tfjs tensors between iterations (no leaks by design).
 */

import type { CandidateStep } from '../optim/trust-region-step';

/** Inputs of one meta-iteration. */
export interface MetaStepInput<Task> {
  /** Current meta-parameters. */
  readonly phi: Float64Array;
  /** The tasks of this meta-batch (plain JSON). */
  readonly tasks: readonly Task[];
  /** Meta-iteration index (0-based). */
  readonly iteration: number;
  /** A seed for everything random in this iteration (sampling), derived by the loop. */
  readonly seed: number;
  /** Progress within the iteration, for long ones (e.g. a task's job finished). */
  readonly onWork?: (work: IterationWork) => void;
}

/** How far a meta-iteration's per-task work has got. */
export interface IterationWork {
  /** 'tasks': the tasks' jobs; 'line search': a trust-region candidate's re-solves. */
  readonly phase: 'tasks' | 'line search';
  readonly done: number;
  readonly total: number;
}

/** What TRPO's natural-gradient step needs from a method (docs/algorithm.md#upper-level). */
export interface TrustRegionPieces {
  /**
   * Fisher-vector product: Hessian of the mean KL(pi_phi || pi_x) at x = phi, times v (a
   * promise when the tasks' shares are computed on the executor's workers).
   */
  fisherVector(v: Float64Array): Float64Array | Promise<Float64Array>;
  /**
   * KL(pi_phi || pi_candidate) and the surrogate meta-objective's improvement at a candidate
   * (either may be a promise: per-task work on the executor). `improvement` may be a lazy
   * getter: the line search reads it only when `kl` is within the bound, so an expensive
   * improvement (BO-MRL re-solves the lower level) is skipped otherwise. `step` says where the
   * candidate lies on the step (trustRegionStep always passes it; BO-MRL's 'linearized' line
   * search needs it).
   */
  evaluate(
    candidate: Float64Array,
    step?: CandidateStep,
  ): {
    kl: number | Promise<number>;
    improvement: number | Promise<number>;
  };
  /** Scalars about the step for the metrics row, read after the line search (optional). */
  diagnostics?(): Record<string, number>;
  /** Frees whatever the pieces hold (tensors, data). */
  dispose(): void;
}

/** Output of one meta-iteration. */
export interface MetaStepResult {
  /** Ascent direction: the meta-gradient of F(phi) = E_tau J_tau(Alg(phi)) (mean over tasks). */
  readonly gradient: Float64Array;
  /** Estimate of F at the current phi: mean post-adaptation return over the batch. */
  readonly objective: number;
  /** Mean pre-adaptation return over the batch (the meta-policy itself). */
  readonly preAdaptationReturn: number;
  /** Extra scalars for metrics.jsonl (solver steps, gradient norms, KL, ...). */
  readonly diagnostics: Readonly<Record<string, number>>;
  /**
   * What went wrong in this step without stopping it (e.g. a lower level that was not
   * stationary, so the implicit meta-gradient is biased). The loop prints each kind once per run.
   */
  readonly warnings?: readonly string[];
  /** Present when the method supports the trust-region meta-step. */
  readonly trustRegion?: TrustRegionPieces;
  /** Present when the method takes several first-order steps on one sampled batch (ProMP). */
  readonly sameBatch?: SameBatchSteps;
}

/**
 * Several meta-optimizer steps on ONE sampled batch (ProMP's PPO-style epochs): the first step
 * uses `gradient`, each further one the same surrogate's gradient at the current parameters.
 * The meta-updater consumes it (calls `finish`, then `dispose`).
 */
export interface SameBatchSteps {
  /** Optimizer steps on this batch in total (>= 1). */
  readonly steps: number;
  /** Gradient (ascent direction) of the batch's surrogate at other parameters. */
  gradientAt(params: Float64Array): Float64Array;
  /** Called with the final parameters; returns scalars for metrics.jsonl. */
  finish(params: Float64Array): Readonly<Record<string, number>>;
  /** Frees the batch. */
  dispose(): void;
}

/** A meta-learning method the loop can train. */
export interface MetaMethod<Task> {
  readonly name: string;
  /** Initial meta-parameters for a seed. */
  initialParams(seed: number): Float64Array;
  /** One meta-gradient evaluation. */
  step(input: MetaStepInput<Task>): Promise<MetaStepResult>;
  /**
   * Adapts phi to one task for meta-test: `rounds` successive adaptations, each from the
   * previous round's policy on fresh data (exact: exact quantities), returning the parameters
   * after each round (index 0 = phi itself) .
   */
  adaptRounds(phi: Float64Array, task: Task, rounds: number, seed: number): Promise<Float64Array[]>;
  /** Frees resources (samplers, tensors). */
  dispose(): void;
}
