/**
 * `pnpm demo`: the Frozen Lake example end to end.
 *
 *  1. meta-trains BO-MRL (Alg(1), Alg(2)) and MAML on the training maps (exact mode, one process
 *     per run, as many at once as there are cores) with @bomrl/trainer's train();
 *  2. meta-tests every method on the held-out maps with the trainer's evaluator (adaptation
 *     rounds 0..K; exact J, optimality gap against J*_tau, and sampled episodes), each as soon
 *     as the runs it needs have finished, while the others train;
 *  3. runs the theory check (exact task variance of the high- and low-variance families, the
 *     bound's variance term beside the measured gap);
 *  4. writes results.json, SVG plots and report.md to the output directory and prints the table.
 *
 * Usage: tsx src/demo.ts [--out runs/demo] [--iterations N] [--no-alg2] [--tasks N]
 *                        [--backend auto|cpu|wasm] [--quiet]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '@bomrl/core';
import { createRunSetup, evaluateMetaPolicy, type RunSetup } from '@bomrl/trainer';
import { configOverrides, parseDemoArgs } from './lib/args';
import { demoCharts } from './lib/charts';
import { pool, trainInChild } from './lib/pool';
import { markdownTable, renderReport, resultsTable } from './lib/report';
import { type DemoResults, type MethodResult, orderingChecks } from './lib/results';
import {
  type DemoMethod,
  type DemoRun,
  demoMethods,
  demoRuns,
  EVALUATION_ORDER,
  trainedPhi,
} from './lib/runs';
import { frozenLakeEnv } from './lib/tasks';
import { taskVarianceFamilies, theoryResult } from './lib/theory-check';

const exampleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(exampleDir, '../..');
const args = parseDemoArgs(process.argv.slice(2), repoRoot);
const log = args.quiet ? () => {} : (line: string) => console.log(line);
const started = performance.now();
const elapsed = () => (performance.now() - started) / 1000;
const seconds = (s: number) => Number(s.toFixed(1));

// ---- meta-training in child processes ---------------------------------------------------------
const overrides = configOverrides(args);
const runs = demoRuns(exampleDir, args.out, overrides, args.alg2);
const demo = runs[0] as DemoRun;
const env = frozenLakeEnv(demo.config);
fs.mkdirSync(args.out, { recursive: true });
const cores = os.availableParallelism?.() ?? os.cpus().length;
log(`bomrl demo: Frozen Lake ${env.size}x${env.size}, ${env.variance}-variance family, exact mode`);
log(
  `meta-training ${runs.map((r) => r.id).join(', ')} (${demo.config.meta.iterations} iterations x ${demo.config.meta.tasksPerBatch} tasks, ${Math.min(cores, runs.length)} at once) into ${path.relative(process.cwd(), args.out) || '.'}`,
);
const trained = pool(
  runs.map((run) => () => trainInChild(run.id, run.file, run.dir, overrides, log)),
  Math.max(1, cores),
);
const done = new Map(runs.map((r, i) => [r.id, trained[i]]));

// ---- theory check while the runs train (float64, cheap) ---------------------------------------
const tTheory = performance.now();
const families = taskVarianceFamilies(demo);
const theorySeconds = (performance.now() - tTheory) / 1000;
log(
  `theory check: task variance computed for ${families.length} task sets in ${theorySeconds.toFixed(1)} s`,
);

// ---- meta-test on held-out maps (each method as soon as its runs are trained) -----------------
const backend = await selectBackend(demo.config.backend);
const runById = new Map(runs.map((r) => [r.id, r]));
const setups = new Map<string, RunSetup>();
const setupOf = async (id: DemoRun['id']): Promise<RunSetup> => {
  let setup = setups.get(id);
  if (!setup) {
    setup = await createRunSetup((runById.get(id) as DemoRun).config);
    setups.set(id, setup);
  }
  return setup;
};
const priorOf = async (m: DemoMethod): Promise<Float64Array> =>
  m.priorFrom === 'untrained'
    ? (await setupOf(m.setup)).method.initialParams(demo.config.seed)
    : trainedPhi(runById.get(m.priorFrom) as DemoRun);

const methods = demoMethods(runs);
const evaluatedById: Record<string, MethodResult> = {};
let evalSeconds = 0;
for (const id of EVALUATION_ORDER) {
  const m = methods.find((x) => x.id === id);
  if (!m) continue;
  await Promise.all(m.needs.map((n) => done.get(n)));
  const tEval = performance.now();
  const r = await evaluateMetaPolicy(await setupOf(m.setup), await priorOf(m), {
    rounds: demo.config.metaTest.rounds,
    ...(args.tasks ? { tasks: args.tasks } : {}),
  });
  evaluatedById[m.id] = {
    id: m.id,
    label: m.label,
    prior: m.prior,
    adaptation: m.adaptation,
    diagnostic: Boolean(m.diagnostic),
    evaluator: r.method,
    tasks: r.tasks,
    episodesPerTask: r.episodesPerTask,
    rounds: r.rounds.map((x) => {
      if (!x.exactReturn || !x.optimalityGap || x.optimalReturn === undefined)
        throw new Error(`meta-test of ${m.id}: exact mode must report exact J and the gap`);
      return {
        round: x.round,
        mean: x.exactReturn.mean,
        stderr: x.exactReturn.stderr,
        optimalityGap: x.optimalityGap,
        optimalReturn: x.optimalReturn,
        sampledReturn: x.return,
        sampledDiscountedReturn: x.discountedReturn,
      };
    }),
  };
  evalSeconds += (performance.now() - tEval) / 1000;
  log(`  meta-tested ${m.label} on ${r.tasks} held-out maps (at ${elapsed().toFixed(1)} s)`);
}
for (const s of setups.values()) s.dispose();
const evaluated = methods.map((m) => evaluatedById[m.id] as MethodResult);
const summaries = await Promise.all(trained);

// ---- results.json, plots, report --------------------------------------------------------------
const theory = theoryResult(families, runs, evaluated);
const first = evaluated[0] as MethodResult;
const policy = demo.config.policy;
if (policy.kind !== 'tabular-softmax') throw new Error('demo: the policy must be tabular-softmax');
const results: DemoResults = {
  format: 'bomrl-demo-results',
  version: 1,
  command: 'pnpm demo',
  metric:
    'exact finite-horizon discounted return J on held-out maps (mean and standard error over maps); optimalityGap = J*_tau - J_tau',
  backend: backend.backend,
  pipeline: summaries[0]?.pipeline ?? '',
  timing: {
    longestTrainingRunSeconds: seconds(Math.max(...summaries.map((s) => s.seconds))),
    perRun: summaries.map((s) => ({ name: s.name, method: s.method, seconds: seconds(s.seconds) })),
    theorySeconds: seconds(theorySeconds),
    metaTestSeconds: seconds(evalSeconds),
    totalSeconds: seconds(elapsed()),
    cores,
  },
  settings: {
    family: env,
    policy,
    mode: demo.config.mode,
    runs: runs.map((r) => ({
      id: r.id,
      config: path.relative(repoRoot, r.file),
      method: r.config.method,
      meta: r.config.meta,
      seed: r.config.seed,
    })),
    metaTest: {
      rounds: demo.config.metaTest.rounds,
      heldOutTasks: first.tasks,
      episodesPerTaskSampled: first.episodesPerTask,
    },
  },
  methods: evaluated,
  checks: orderingChecks(evaluatedById),
  theory,
};
fs.writeFileSync(path.join(args.out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
const plots = demoCharts(results, runs);
for (const [file, svg] of Object.entries(plots)) fs.writeFileSync(path.join(args.out, file), svg);
fs.writeFileSync(path.join(args.out, 'report.md'), renderReport(results, Object.keys(plots)));

const { checks } = results;
const demoFamily = families.find((f) => f.family === theory.demoFamily);
log('');
log(markdownTable(resultsTable(results)));
log('');
log(
  `checks: BO-MRL >= MAML after one round: ${checks.bomrlAtLeastMamlAfterOneRound}; BO-MRL > random: ${checks.bomrlBeatsRandomAfterOneRound}; MAML > random: ${checks.mamlBeatsRandomAfterOneRound}`,
);
log(
  `task variance (${theory.demoFamily}): ${demoFamily?.taskVariance.toFixed(4)}; ${theory.varianceTerm.map((v) => `lambda*Var at lambda ${v.lambda}: ${v.value.toFixed(4)}`).join(', ')}`,
);
log(
  `wrote ${path.join(args.out, 'results.json')}, ${Object.keys(plots).join(', ')}, report.md in ${elapsed().toFixed(1)} s (backend ${backend.backend})`,
);
