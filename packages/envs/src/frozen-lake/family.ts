import type { TaskFamily } from '../env';
import { describeValue, EnvError } from '../errors';
import { Rng, type SeedLike } from '../rng';
import { Discrete } from '../spaces';
import { checkTaskCount, splitTasks } from '../split';
import { checkEpisodeSettings, FrozenLakeEnv } from './env';
import { type FrozenLakeTask, generateMap, type Variance, validateTask } from './map';

/** Settings of a Frozen Lake task family (all but `variance` have the paper's defaults). */
export interface FrozenLakeFamilyConfig {
  /** `'high'`: absorbing holes paying -1 per step; `'low'`: H cells pay -0.5 when entered. */
  variance: Variance;
  /** Grid side; maps are size x size with S top-left and G bottom-right (default 4). */
  size?: number;
  /** Slip probability of sampled tasks (default 0: deterministic moves). */
  slip?: number;
  /** Discount of the exact model (default 0.8). */
  gamma?: number;
  /** Steps per episode (default 49). */
  horizon?: number;
  /** Chance that an eligible cell is an H cell in sampled maps (default 0.15). */
  holeProbability?: number;
}

/** A Frozen Lake task distribution and the factory of its environments. */
export class FrozenLakeFamily implements TaskFamily<FrozenLakeTask, FrozenLakeEnv> {
  readonly name = 'frozen-lake';
  readonly variance: Variance;
  readonly size: number;
  readonly slip: number;
  readonly gamma: number;
  readonly horizon: number;
  readonly holeProbability: number;
  readonly observationSpace: Discrete;
  readonly actionSpace = new Discrete(4);

  constructor(config: FrozenLakeFamilyConfig) {
    if (typeof config !== 'object' || config === null) {
      throw new EnvError("FrozenLake.family: pass a config such as { variance: 'high' }");
    }
    const {
      variance,
      size = 4,
      slip = 0,
      gamma = 0.8,
      horizon = 49,
      holeProbability = 0.15,
    } = config;
    if (variance !== 'high' && variance !== 'low') {
      throw new EnvError(
        `FrozenLake.family: variance must be 'high' or 'low', got ${describeValue(variance)}`,
      );
    }
    if (!Number.isInteger(size) || size < 2) {
      throw new EnvError(
        `FrozenLake.family: size must be an integer >= 2, got ${describeValue(size)}`,
      );
    }
    if (typeof slip !== 'number' || !(slip >= 0 && slip <= 1)) {
      throw new EnvError(
        `FrozenLake.family: slip must be a number in [0, 1], got ${describeValue(slip)}`,
      );
    }
    if (typeof holeProbability !== 'number' || !(holeProbability >= 0 && holeProbability < 1)) {
      throw new EnvError(
        `FrozenLake.family: holeProbability must be a number in [0, 1), got ${describeValue(holeProbability)}`,
      );
    }
    checkEpisodeSettings(gamma, horizon, 'FrozenLake.family');
    this.variance = variance;
    this.size = size;
    this.slip = slip;
    this.gamma = gamma;
    this.horizon = horizon;
    this.holeProbability = holeProbability;
    this.observationSpace = new Discrete(size * size);
  }

  /** Draws `n` tasks with seeded random maps (each with an H-free path from S to G). */
  sampleTasks(n: number, rng: SeedLike): FrozenLakeTask[] {
    checkTaskCount(n, 'FrozenLake.sampleTasks');
    const gen = Rng.from(rng);
    const tasks: FrozenLakeTask[] = [];
    for (let i = 0; i < n; i++) {
      const map = generateMap(
        { size: this.size, variance: this.variance, holeProbability: this.holeProbability },
        gen,
      );
      tasks.push({ kind: 'frozen-lake', variance: this.variance, map, slip: this.slip });
    }
    return tasks;
  }

  /** {@link splitTasks}: a reproducible `[train, test]` split. */
  split(
    tasks: readonly FrozenLakeTask[],
    trainFraction: number,
    seed = 0,
  ): [FrozenLakeTask[], FrozenLakeTask[]] {
    return splitTasks(tasks, trainFraction, seed);
  }

  /** Validates `task` and checks it belongs to this family (variance and size). */
  validateTask(task: unknown): FrozenLakeTask {
    const valid = validateTask(task);
    if (valid.variance !== this.variance) {
      throw new EnvError(
        `FrozenLake: task.variance is '${valid.variance}' but this family is '${this.variance}'`,
      );
    }
    if (valid.map.length !== this.size || (valid.map[0] as string).length !== this.size) {
      throw new EnvError(
        `FrozenLake: task.map is ${valid.map.length}x${(valid.map[0] as string).length} but this family's maps are ${this.size}x${this.size}`,
      );
    }
    return valid;
  }

  /** An environment on `task` with this family's gamma and horizon. */
  make(task: FrozenLakeTask, options: { seed?: number } = {}): FrozenLakeEnv {
    return new FrozenLakeEnv(this.validateTask(task), {
      gamma: this.gamma,
      horizon: this.horizon,
      seed: options.seed ?? 0,
    });
  }
}

/** Entry point of the Frozen Lake families. */
export const FrozenLake = {
  /** A task family, e.g. `FrozenLake.family({ variance: 'high' })` (4x4, gamma 0.8, H 49). */
  family(config: FrozenLakeFamilyConfig): FrozenLakeFamily {
    return new FrozenLakeFamily(config);
  },
  /** A validated task from a map, e.g. `FrozenLake.task(['SF', 'HG'], { variance: 'low' })`. */
  task(map: readonly string[], options: { variance: Variance; slip?: number }): FrozenLakeTask {
    return validateTask({
      kind: 'frozen-lake',
      variance: options.variance,
      map: [...map],
      slip: options.slip ?? 0,
    });
  },
  /** An environment on any valid task (any grid shape), without a family. */
  make(
    task: FrozenLakeTask,
    options: { gamma?: number; horizon?: number; seed?: number } = {},
  ): FrozenLakeEnv {
    return new FrozenLakeEnv(task, options);
  },
} as const;
