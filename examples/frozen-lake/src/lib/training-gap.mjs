/**
 * The left-hand side of the seed's bound, measured: (1/T) sum_t E_tau[J*_tau - J_tau(Alg(pi_phi_t))]
 * over the meta-training iterations, with E_tau over iteration t's meta-batch (recovered exactly
 * with the trainer's own pickTasks / iterationSeed) and J_tau(Alg(pi_phi_t)) the exact
 * post-adaptation return the method logged (`objective`, Alg at the training lambda).
 */
import { iterationSeed, pickTasks } from '@bomrl/trainer';
import { optimalReturn } from './tasks.mjs';

export function trainingGap(run, config, tasks) {
  const rows = run.readMetrics();
  const star = new Map();
  const jStar = (task) => {
    const key = JSON.stringify(task);
    if (!star.has(key)) star.set(key, optimalReturn(tasks.model(task)));
    return star.get(key);
  };
  const gaps = rows.map((row) => {
    const batch = pickTasks(
      tasks.train,
      config.meta.tasksPerBatch,
      iterationSeed(config.seed, row.iteration, 'tasks'),
    );
    const meanStar = batch.reduce((s, t) => s + jStar(t), 0) / batch.length;
    return meanStar - row.objective;
  });
  const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const tail = gaps.slice(-10);
  return {
    lambda: config.method.lambda,
    iterations: gaps.length,
    averageGap: mean(gaps),
    lastTenGap: mean(tail),
  };
}
