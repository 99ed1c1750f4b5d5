import type { TaskFamily } from '../env';
import { describeValue, EnvError } from '../errors';
import { Rng, type SeedLike } from '../rng';
import { Box } from '../spaces';
import { checkTaskCount, splitTasks } from '../split';
import { MAX_ACTION, Navigation2DEnv } from './env';
import { type Navigation2DTask, validateNavigationTask } from './task';

/** Settings of the 2D navigation family. */
export interface Navigation2DFamilyConfig {
  /** Steps per episode (default 100). */
  horizon?: number;
  /** Goals are drawn uniformly from [-goalRange, goalRange]^2 (default 0.5). */
  goalRange?: number;
}

/** The 2D navigation task distribution (goal ~ U[-0.5, 0.5]^2) and its env factory. */
export class Navigation2DFamily implements TaskFamily<Navigation2DTask, Navigation2DEnv> {
  readonly name = 'navigation-2d';
  readonly horizon: number;
  readonly goalRange: number;
  readonly observationSpace = new Box(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, [2]);
  readonly actionSpace = new Box(-MAX_ACTION, MAX_ACTION, [2]);

  constructor(config: Navigation2DFamilyConfig = {}) {
    const { horizon = 100, goalRange = 0.5 } = config;
    if (!Number.isInteger(horizon) || horizon <= 0) {
      throw new EnvError(
        `Navigation2D.family: horizon must be a positive integer, got ${describeValue(horizon)}`,
      );
    }
    if (typeof goalRange !== 'number' || !(goalRange > 0 && Number.isFinite(goalRange))) {
      throw new EnvError(
        `Navigation2D.family: goalRange must be a positive finite number, got ${describeValue(goalRange)}`,
      );
    }
    this.horizon = horizon;
    this.goalRange = goalRange;
  }

  /** Draws `n` goals uniformly from [-goalRange, goalRange]^2 (x drawn before y). */
  sampleTasks(n: number, rng: SeedLike): Navigation2DTask[] {
    checkTaskCount(n, 'Navigation2D.sampleTasks');
    const gen = Rng.from(rng);
    const r = this.goalRange;
    const tasks: Navigation2DTask[] = [];
    for (let i = 0; i < n; i++) {
      const x = gen.uniform(-r, r);
      const y = gen.uniform(-r, r);
      tasks.push({ kind: 'navigation-2d', goal: [x, y] });
    }
    return tasks;
  }

  /** {@link splitTasks}: a reproducible `[train, test]` split. */
  split(
    tasks: readonly Navigation2DTask[],
    trainFraction: number,
    seed = 0,
  ): [Navigation2DTask[], Navigation2DTask[]] {
    return splitTasks(tasks, trainFraction, seed);
  }

  validateTask(task: unknown): Navigation2DTask {
    return validateNavigationTask(task);
  }

  make(task: Navigation2DTask, options: { seed?: number } = {}): Navigation2DEnv {
    return new Navigation2DEnv(this.validateTask(task), {
      horizon: this.horizon,
      seed: options.seed ?? 0,
    });
  }
}

/** Entry point of the 2D navigation family. */
export const Navigation2D = {
  /** The family, e.g. `Navigation2D.family()` (horizon 100, goals in [-0.5, 0.5]^2). */
  family(config: Navigation2DFamilyConfig = {}): Navigation2DFamily {
    return new Navigation2DFamily(config);
  },
  /** An environment on a goal, without a family. */
  make(task: Navigation2DTask, options: { horizon?: number; seed?: number } = {}): Navigation2DEnv {
    return new Navigation2DEnv(task, options);
  },
} as const;
