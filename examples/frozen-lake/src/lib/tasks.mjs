/**
 * The Frozen Lake task side of a run, built exactly as `@bomrl/trainer` builds it from a config
 * (same generator, same seeded split), so held-out maps are the ones meta-training never saw.
 */
import fs from 'node:fs';
import { FrozenLake, splitTasks } from '@bomrl/envs';
import { valueIteration } from '@bomrl/envs/tabular';

/** family, train/test tasks and a memoized model(task) for a resolved frozen-lake config. */
export function frozenLakeTasks(config) {
  const env = config.env;
  if (env.family !== 'frozen-lake') {
    throw new Error(`frozen-lake example: env.family must be 'frozen-lake', got '${env.family}'`);
  }
  const family = FrozenLake.family({
    variance: env.variance,
    size: env.size,
    slip: env.slip,
    gamma: env.gamma,
    horizon: env.horizon,
  });
  const all = family.sampleTasks(env.tasks.count, env.tasks.seed);
  const [train, test] = splitTasks(all, env.tasks.trainFraction, env.tasks.seed);
  const models = new Map();
  const model = (task) => {
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
  return { family, train, test, model, nStates: env.size * env.size, nActions: 4 };
}

/** J*_tau by finite-horizon value iteration (the all-task optimum comparator, per task). */
export function optimalReturn(model) {
  return valueIteration(model, { mode: 'finite' }).J;
}

/** The paper's own maps (shipped in data/paper-maps.json; see data/README.md). */
export const PAPER_MAPS_FILE = new URL('../../data/paper-maps.json', import.meta.url);

/** The paper's maps of one family as tasks (high: 10 maps, low: 20). */
export function paperTasks(variance) {
  const data = JSON.parse(fs.readFileSync(PAPER_MAPS_FILE, 'utf8'));
  const maps = data[variance === 'high' ? 'high_variance' : 'low_variance'];
  return maps.map((map) => ({ kind: 'frozen-lake', variance, map, slip: 0 }));
}
