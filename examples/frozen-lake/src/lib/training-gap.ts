/**
 * The left-hand side of the bound, measured: (1/T) sum_t E_tau[J*_tau - J_tau(Alg(pi_phi_t))]
 * over the meta-training iterations, with E_tau over iteration t's meta-batch (recovered exactly
 * with the trainer's own pickTasks / iterationSeed) and J_tau(Alg(pi_phi_t)) the exact
 * post-adaptation return the method logged (`objective`, Alg at the training lambda).
 */
import type { FrozenLakeTask } from '@bomrl/envs';
import { type Config, iterationSeed, pickTasks, type RunDirectory } from '@bomrl/trainer';
import { type FrozenLakeTasks, optimalReturn } from './tasks';

/** The measured average gap of one BO-MRL run. */
export interface TrainingGap {
  readonly lambda: number;
  readonly iterations: number;
  readonly averageGap: number;
  readonly lastTenGap: number;
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

export function trainingGap(
  run: RunDirectory,
  config: Config,
  tasks: FrozenLakeTasks,
): TrainingGap {
  if (config.method.kind !== 'bomrl') {
    throw new Error(`trainingGap: run '${config.name}' is not a BO-MRL run; pass a bomrl config`);
  }
  const star = new Map<string, number>();
  const jStar = (task: FrozenLakeTask): number => {
    const key = JSON.stringify(task);
    let j = star.get(key);
    if (j === undefined) {
      j = optimalReturn(tasks.model(task));
      star.set(key, j);
    }
    return j;
  };
  const gaps = run.readMetrics().map((row) => {
    const batch = pickTasks(
      tasks.train,
      config.meta.tasksPerBatch,
      iterationSeed(config.seed, row.iteration, 'tasks'),
    );
    const meanStar = mean(batch.map(jStar));
    return meanStar - Number(row.objective);
  });
  return {
    lambda: config.method.lambda,
    iterations: gaps.length,
    averageGap: mean(gaps),
    lastTenGap: mean(gaps.slice(-10)),
  };
}
