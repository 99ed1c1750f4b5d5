import type { FlatStep, TaskFamily, VectorizableEnv } from './env';
import { describeValue, EnvError } from './errors';
import { isNumberArray, type Space } from './spaces';

/** Options of {@link VectorEnv}. */
export interface VectorEnvOptions {
  /**
   * `true`: a copy whose episode ends is reset in the same `step` call (without a seed, so it
   * continues its own stream); `obs` then holds the NEW episode's first observation, the last
   * observation of the finished episode is in `finalObs`, and that step's flags are set.
   * `false` (default): a finished copy is frozen: later steps leave its observation unchanged,
   * pay 0 reward and keep its `terminated` / `truncated` flags set until `reset()`.
   */
  autoReset?: boolean;
  /**
   * Discrete observations only: write one-hot vectors (length n) instead of the index as a float.
   */
  oneHot?: boolean;
}

/** The buffers of a {@link VectorEnv} (the same object, overwritten, on every call). */
export interface VectorStepResult {
  /** [numEnvs * obsSize] observations after the step. */
  readonly obs: Float32Array;
  /** [numEnvs] rewards of the step. */
  readonly rewards: Float32Array;
  /** [numEnvs] 1 where the copy's episode terminated. */
  readonly terminated: Uint8Array;
  /** [numEnvs] 1 where the copy's episode hit the time limit. */
  readonly truncated: Uint8Array;
  /** [numEnvs * obsSize] last observation of episodes that ended this step (autoReset only). */
  readonly finalObs: Float32Array;
}

/**
 * Steps N environments at once over flat typed buffers: the sampler's hot path. Each copy can
 * hold its own task. `step` allocates nothing: actions are read from the caller's array and
 * results are written into the preallocated buffers of {@link VectorStepResult}.
 *
 * Seeding: `reset({ seed })` resets copy i with seed `seed + i`, so copy i replays exactly what a
 * single env reset with `seed + i` would do.
 */
export class VectorEnv<Task> implements VectorStepResult {
  readonly numEnvs: number;
  /** Floats per observation in `obs`. */
  readonly obsSize: number;
  /** Numbers per action in the `actions` array given to `step`. */
  readonly actionSize: number;
  readonly singleObservationSpace: Space;
  readonly singleActionSpace: Space;
  readonly autoReset: boolean;
  readonly obs: Float32Array;
  readonly rewards: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly finalObs: Float32Array;

  private readonly envs: VectorizableEnv<Task>[];
  private readonly oneHot: boolean;
  private readonly flat: FlatStep = { reward: 0, terminated: false, truncated: false };
  private readonly scratch: Float32Array;
  private readonly ended: Uint8Array;
  private wasReset = false;

  constructor(envs: readonly VectorizableEnv<Task>[], options: VectorEnvOptions = {}) {
    if (!Array.isArray(envs) || envs.length === 0) {
      throw new EnvError('VectorEnv: pass a non-empty array of environments');
    }
    const first = envs[0] as VectorizableEnv<Task>;
    for (const [i, env] of envs.entries()) {
      if (env.flatObsSize !== first.flatObsSize || env.flatActionSize !== first.flatActionSize) {
        throw new EnvError(
          `VectorEnv: env ${i} has different observation/action sizes than env 0; all copies must match`,
        );
      }
    }
    this.envs = [...envs];
    this.numEnvs = envs.length;
    this.singleObservationSpace = first.observationSpace;
    this.singleActionSpace = first.actionSpace;
    this.autoReset = options.autoReset ?? false;
    this.oneHot = options.oneHot ?? false;
    if (this.oneHot && first.observationSpace.kind !== 'discrete') {
      throw new EnvError('VectorEnv: oneHot needs a Discrete observation space');
    }
    this.obsSize =
      this.oneHot && first.observationSpace.kind === 'discrete'
        ? first.observationSpace.n
        : first.flatObsSize;
    this.actionSize = first.flatActionSize;
    this.obs = new Float32Array(this.numEnvs * this.obsSize);
    this.finalObs = new Float32Array(this.numEnvs * this.obsSize);
    this.rewards = new Float32Array(this.numEnvs);
    this.terminated = new Uint8Array(this.numEnvs);
    this.truncated = new Uint8Array(this.numEnvs);
    this.ended = new Uint8Array(this.numEnvs);
    this.scratch = new Float32Array(first.flatObsSize);
  }

  /** Copy i's environment (for render, model, task). */
  env(i: number): VectorizableEnv<Task> {
    const env = this.envs[i];
    if (env === undefined)
      throw new EnvError(`VectorEnv.env: index ${i} is out of range [0, ${this.numEnvs})`);
    return env;
  }

  /** Whether every copy has finished its episode (always false with autoReset). */
  get allDone(): boolean {
    return this.ended.every((e) => e === 1);
  }

  /** Gives copy i a new task; the next call must be `reset()`. */
  setTask(i: number, task: Task): void {
    this.env(i).setTask(task);
    this.wasReset = false;
  }

  /** Resets every copy (copy i with seed `seed + i` when a seed is given); returns `obs`. */
  reset(options: { seed?: number } = {}): Float32Array {
    const { seed } = options;
    for (let i = 0; i < this.numEnvs; i++) {
      this.resetCopy(i, seed === undefined ? undefined : seed + i, this.obs);
    }
    this.rewards.fill(0);
    this.terminated.fill(0);
    this.truncated.fill(0);
    this.ended.fill(0);
    this.wasReset = true;
    return this.obs;
  }

  /**
   * Steps every copy. `actions` holds `numEnvs * actionSize` numbers (copy i's action at
   * `i * actionSize`; discrete actions as integer values, e.g. an Int32Array).
   */
  step(actions: ArrayLike<number>): VectorStepResult {
    if (!this.wasReset)
      throw new EnvError('VectorEnv.step: call reset() before the first step (and after setTask)');
    if (!isNumberArray(actions) || actions.length !== this.numEnvs * this.actionSize) {
      throw new EnvError(
        `VectorEnv.step: actions must be a numeric array of length numEnvs * actionSize = ${this.numEnvs * this.actionSize}, got ${describeValue(actions)}`,
      );
    }
    const { flat, obsSize } = this;
    for (let i = 0; i < this.numEnvs; i++) {
      if (this.ended[i]) {
        this.rewards[i] = 0;
        continue;
      }
      const env = this.envs[i] as VectorizableEnv<Task>;
      try {
        if (this.oneHot) {
          env.stepFlat(actions, i * this.actionSize, this.scratch, 0, flat);
          this.writeOneHot(i, this.obs);
        } else {
          env.stepFlat(actions, i * this.actionSize, this.obs, i * obsSize, flat);
        }
      } catch (error) {
        if (error instanceof EnvError) throw new EnvError(`VectorEnv copy ${i}: ${error.message}`);
        throw error;
      }
      this.rewards[i] = flat.reward;
      this.terminated[i] = flat.terminated ? 1 : 0;
      this.truncated[i] = flat.truncated ? 1 : 0;
      if (flat.terminated || flat.truncated) {
        if (this.autoReset) {
          this.finalObs.set(this.obs.subarray(i * obsSize, (i + 1) * obsSize), i * obsSize);
          this.resetCopy(i, undefined, this.obs);
        } else {
          this.ended[i] = 1;
        }
      }
    }
    return this;
  }

  /** Closes every copy. */
  close(): void {
    for (const env of this.envs) env.close();
  }

  private resetCopy(i: number, seed: number | undefined, out: Float32Array): void {
    const env = this.envs[i] as VectorizableEnv<Task>;
    if (this.oneHot) {
      env.resetFlat(seed, this.scratch, 0);
      this.writeOneHot(i, out);
    } else {
      env.resetFlat(seed, out, i * this.obsSize);
    }
  }

  private writeOneHot(i: number, out: Float32Array): void {
    const base = i * this.obsSize;
    out.fill(0, base, base + this.obsSize);
    out[base + (this.scratch[0] as number)] = 1;
  }
}

/**
 * A {@link VectorEnv} with one copy per task (`tasks.length` copies; repeat a task to run it
 * several times), each made by `family.make(task, { seed: i })`.
 */
export function makeVector<Task, E extends VectorizableEnv<Task>>(
  family: TaskFamily<Task, E>,
  tasks: readonly Task[],
  options: VectorEnvOptions = {},
): VectorEnv<Task> {
  if (!Array.isArray(tasks) || tasks.length === 0) {
    throw new EnvError('makeVector: tasks must be a non-empty array (one task per copy)');
  }
  return new VectorEnv(
    tasks.map((task, i) => family.make(task, { seed: i })),
    options,
  );
}
