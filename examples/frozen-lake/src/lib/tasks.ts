/**
 * The Frozen Lake task side of a run, built exactly as `@bomrl/trainer` builds it from a config
 * (same generator, same seeded split), so held-out maps are the ones meta-training never saw.
 */
import fs from 'node:fs';
import { FrozenLake, type FrozenLakeTask, splitTasks } from '@bomrl/envs';
import { type TabularModel, valueIteration } from '@bomrl/envs/tabular';
import type { Config } from '@bomrl/trainer';

/** The frozen-lake part of a config's env union. */
export type FrozenLakeEnvConfig = Extract<Config['env'], { family: 'frozen-lake' }>;

/** A config's env, narrowed to Frozen Lake (this example runs nothing else). */
export function frozenLakeEnv(config: Config): FrozenLakeEnvConfig {
  const env = config.env;
  if (env.family !== 'frozen-lake') {
    throw new Error(
      `frozen-lake example: env.family must be 'frozen-lake', got '${env.family}'; use a config from examples/frozen-lake/configs`,
    );
  }
  return env;
}

/** The train/test tasks of a config and a memoized exact model per task. */
export interface FrozenLakeTasks {
  readonly train: readonly FrozenLakeTask[];
  readonly test: readonly FrozenLakeTask[];
  readonly model: (task: FrozenLakeTask) => TabularModel;
}

/** family, train/test tasks and a memoized model(task) for a resolved frozen-lake config. */
export function frozenLakeTasks(config: Config): FrozenLakeTasks {
  const env = frozenLakeEnv(config);
  const family = FrozenLake.family({
    variance: env.variance,
    size: env.size,
    slip: env.slip,
    gamma: env.gamma,
    horizon: env.horizon,
  });
  const all = family.sampleTasks(env.tasks.count, env.tasks.seed);
  const [train, test] = splitTasks(all, env.tasks.trainFraction, env.tasks.seed);
  const models = new Map<string, TabularModel>();
  const model = (task: FrozenLakeTask): TabularModel => {
    const key = JSON.stringify(task);
    let m = models.get(key);
    if (!m) {
      const e = family.make(family.validateTask(task));
      m = e.model();
      e.close();
      models.set(key, m);
    }
    return m;
  };
  return { train, test, model };
}

/** J*_tau by finite-horizon value iteration (the all-task optimum comparator, per task). */
export function optimalReturn(model: TabularModel): number {
  return valueIteration(model, { mode: 'finite' }).J;
}

/** The paper's own maps, shipped with this example (see data/README.md). */
export const PAPER_MAPS_FILE = new URL('../../data/paper-maps.json', import.meta.url);

interface PaperMaps {
  readonly high_variance: readonly (readonly string[])[];
  readonly low_variance: readonly (readonly string[])[];
}

/** The paper's maps of one family as tasks (high variance: 10 maps, low variance: 20). */
export function paperTasks(variance: 'high' | 'low'): FrozenLakeTask[] {
  const data = JSON.parse(fs.readFileSync(PAPER_MAPS_FILE, 'utf8')) as PaperMaps;
  const maps = variance === 'high' ? data.high_variance : data.low_variance;
  return maps.map((map) => ({ kind: 'frozen-lake', variance, map, slip: 0 }));
}
