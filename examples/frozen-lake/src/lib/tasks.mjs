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

/**
 * The paper's own maps as tasks of a family (optional side-by-side): read at run time from the
 * shared data directory when it exists, never copied into the repository. Returns [] if absent.
 */
export function paperTasks(variance, file = process.env.BOMRL_PAPER_MAPS) {
  const candidates = [
    file,
    new URL('../../../../../shared/data/frozen-lake-paper-maps.json', import.meta.url).pathname,
  ].filter(Boolean);
  for (const f of candidates) {
    if (!fs.existsSync(f)) continue;
    const data = JSON.parse(fs.readFileSync(f, 'utf8'));
    const maps = data[variance === 'high' ? 'high_variance' : 'low_variance'] ?? [];
    return maps.map((map) => ({ kind: 'frozen-lake', variance, map, slip: 0 }));
  }
  return [];
}
