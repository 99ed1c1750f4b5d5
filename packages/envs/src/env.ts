import type { Rng } from './rng';
import type { Space } from './spaces';

/** Options of {@link Env.reset}. */
export interface ResetOptions {
  /**
   * Re-seeds the environment's generator before the reset; the same seed gives the same
   * trajectory for the same actions. Without it the generator continues its stream.
   */
  seed?: number;
}

/** What {@link Env.reset} returns. */
export interface ResetResult<Obs, Info = unknown> {
  obs: Obs;
  info: Info;
}

/** What {@link Env.step} returns (Gymnasium's five-tuple as an object). */
export interface StepResult<Obs, Info = unknown> {
  obs: Obs;
  reward: number;
  /** The MDP reached a terminal state (no further reward can follow). */
  terminated: boolean;
  /** The episode was cut by the time limit (the MDP itself had not ended). */
  truncated: boolean;
  info: Info;
}

/**
 * The Gymnasium contract in TypeScript. `Info` defaults to `unknown`, so generic code typed
 * `Env<Obs, Act>` accepts every environment whatever its info object (narrow it where needed).
 * `reset` must be called before the first `step` and after
 * an episode ends (`terminated || truncated`); both mistakes throw an {@link EnvError}.
 */
export interface Env<Obs, Act, Info = unknown> {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  /** Steps per episode before `truncated` becomes true. */
  readonly horizon: number;
  reset(options?: ResetOptions): ResetResult<Obs, Info>;
  step(action: Act): StepResult<Obs, Info>;
  /** A text picture of the current state. */
  render(): string;
  /** Releases resources; the env must not be used afterwards. */
  close(): void;
}

/** A meta-RL environment: one env whose MDP is chosen by a task (plain JSON data). */
export interface TaskEnv<Task, Obs, Act, Info = unknown> extends Env<Obs, Act, Info> {
  /** The current task. */
  readonly task: Task;
  /** Switches the MDP (validated); the next call must be `reset`. */
  setTask(task: Task): void;
}

/** Scalar outcome of a flat step, written into a reused object so stepping allocates nothing. */
export interface FlatStep {
  reward: number;
  terminated: boolean;
  truncated: boolean;
}

/**
 * The allocation-free protocol {@link VectorEnv} drives. Implement it (next to the ordinary
 * `Env` methods) to make any environment vectorizable. Observations are written as
 * `flatObsSize` floats (a discrete observation as its index); actions are read as
 * `flatActionSize` numbers (a discrete action as its index).
 */
export interface VectorizableEnv<Task> {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly horizon: number;
  readonly flatObsSize: number;
  readonly flatActionSize: number;
  /** Like `reset`, writing the observation into `obs[obsOffset ..]`. */
  resetFlat(seed: number | undefined, obs: Float32Array, obsOffset: number): void;
  /** Like `step`, reading the action from `actions[actOffset ..]` and writing the observation. */
  stepFlat(
    actions: ArrayLike<number>,
    actOffset: number,
    obs: Float32Array,
    obsOffset: number,
    out: FlatStep,
  ): void;
  /** Switches the MDP; the next call must be a reset. */
  setTask(task: Task): void;
  close(): void;
}

/**
 * A family of tasks (a distribution P(Gamma) over MDPs) and the factory of its environments.
 */
export interface TaskFamily<Task, E> {
  /** A stable name, e.g. `'frozen-lake'`. */
  readonly name: string;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly horizon: number;
  /** Draws `n` tasks (plain JSON); a number seeds a fresh generator. */
  sampleTasks(n: number, rng: number | Rng): Task[];
  /** Checks that `task` belongs to this family and returns it typed; throws `EnvError` if not. */
  validateTask(task: unknown): Task;
  /** An environment on `task`, its generator seeded with `options.seed` (default 0). */
  make(task: Task, options?: { seed?: number }): E;
}
