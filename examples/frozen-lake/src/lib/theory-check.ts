/**
 * The theory check of the demo (docs/algorithm.md#theory-check): the exact task variance of the
 * generated high- and low-variance families and of the paper's maps, then the bound's variance
 * term beside the measured gaps.
 */
import { RunDirectory } from '@bomrl/trainer';
import type { MethodResult, TheoryFamily, TheoryResult } from './results';
import type { DemoRun } from './runs';
import { frozenLakeEnv, frozenLakeTasks, optimalReturn, paperTasks } from './tasks';
import { taskVariance } from './theory';
import { trainingGap } from './training-gap';

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Task variance of every task set, for the demo config's family settings. */
export function taskVarianceFamilies(demo: DemoRun): TheoryFamily[] {
  const env = frozenLakeEnv(demo.config);
  const families: TheoryFamily[] = [];
  for (const variance of ['high', 'low'] as const) {
    const tasks = frozenLakeTasks({ ...demo.config, env: { ...env, variance } });
    const all = [...tasks.train, ...tasks.test];
    const v = taskVariance(all.map(tasks.model));
    families.push({
      family: `frozen-lake ${env.size}x${env.size} ${variance}-variance (generated)`,
      variance,
      source: `FrozenLake.family sampleTasks(${env.tasks.count}, seed ${env.tasks.seed})`,
      tasks: v.tasks,
      taskVariance: v.variance,
      numericMinimum: v.numeric,
      numericSteps: v.steps,
      meanOptimalReturn: mean(all.map((t) => optimalReturn(tasks.model(t)))),
    });
    const models = paperTasks(variance).map(tasks.model);
    const pv = taskVariance(models);
    families.push({
      family: `frozen-lake 4x4 ${variance}-variance (the paper's ${models.length} maps)`,
      variance,
      source: 'examples/frozen-lake/data/paper-maps.json',
      tasks: pv.tasks,
      taskVariance: pv.variance,
      numericMinimum: pv.numeric,
      numericSteps: pv.steps,
      meanOptimalReturn: mean(models.map(optimalReturn)),
    });
  }
  return families;
}

const UNKNOWN_CONSTANTS = {
  K: 'not computed (the optimization constant of the meta-gradient method; the theorem gives no value for it here)',
  M: 'not computed (the variance constant of the stochastic meta-gradient; exact mode has no sampling noise, but M is not evaluated)',
  A_max: 'not computed (sup over policies of |A(s, a)|; the theorem needs it to set lambda)',
  L: 'not computed (a Lipschitz constant of the policy class; unknown)',
  lambda:
    'the theorem sets lambda = A_max L / (1 - gamma)^2, which is therefore unknown; the variance term is shown at the lambdas actually used',
};

const READING =
  'Var(P(Gamma)) = min_theta (1/N) sum_tau sum_s nu^{pi*_tau}(s) KL(pi*_tau(.|s) || pi_theta(.|s)), pi*_tau the maximum-entropy optimal policy (uniform over tied optimal actions), nu its normalized discounted visitation; the literal direction KL(pi_theta || pi*_tau) is infinite for a deterministic pi*_tau.';

/** The whole theory section of results.json, once the runs are trained and tested. */
export function theoryResult(
  families: readonly TheoryFamily[],
  runs: readonly DemoRun[],
  evaluated: readonly MethodResult[],
): TheoryResult {
  const demo = runs[0];
  if (!demo) throw new Error('theoryResult: no runs');
  const variance = frozenLakeEnv(demo.config).variance;
  const demoFamily = families.find(
    (f) => f.variance === variance && f.source.startsWith('FrozenLake'),
  );
  const alg1 = demo.config.method;
  if (!demoFamily || alg1.kind !== 'bomrl') {
    throw new Error('theoryResult: the first run must be BO-MRL on a generated family');
  }
  const testLambda = alg1.testLambda ?? alg1.lambda;
  const tasks = frozenLakeTasks(demo.config);
  return {
    families,
    demoFamily: demoFamily.family,
    varianceTerm: [
      {
        lambda: alg1.lambda,
        role: 'meta-training lambda of Alg(1)',
        value: alg1.lambda * demoFamily.taskVariance,
      },
      {
        lambda: testLambda,
        role: 'meta-test lambda of Alg(1)',
        value: testLambda * demoFamily.taskVariance,
      },
    ],
    measuredGap: {
      heldOutAfterOneRound: evaluated.map((m) => ({ id: m.id, gap: m.rounds[1]?.optimalityGap })),
      trainingAverage: runs
        .filter((r) => r.config.method.kind === 'bomrl')
        .map((r) => ({ id: r.id, ...trainingGap(new RunDirectory(r.dir), r.config, tasks) })),
    },
    unknownConstants: UNKNOWN_CONSTANTS,
    reading: READING,
  };
}
