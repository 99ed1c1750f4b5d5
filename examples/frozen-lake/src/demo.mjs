#!/usr/bin/env node
/**
 * `pnpm demo`: the Frozen Lake example end to end.
 *
 *  1. meta-trains BO-MRL (Alg(1), Alg(2)) and MAML on the training maps (exact mode, one process
 *     per run, as many at once as there are cores) with @bomrl/trainer's train();
 *  2. meta-tests every method on the held-out maps with the trainer's evaluator (adaptation
 *     rounds 0..K; exact J, optimality gap against J*_tau, and sampled episodes);
 *  3. runs the theory check (exact task variance of the high- and low-variance families, the
 *     bound's variance term beside the measured gap);
 *  4. writes results.json, SVG plots and report.md to the output directory and prints the table.
 *
 * Usage: node src/demo.mjs [--out runs/demo] [--iterations N] [--no-alg2] [--tasks N]
 *                          [--backend auto|cpu|wasm] [--quiet]
 * Each method is meta-tested as soon as the runs it needs have finished, while the others train.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { selectBackend } from '@bomrl/core';
import {
  createRunSetup,
  evaluateMetaPolicy,
  lineChart,
  loadConfigFile,
  RunDirectory,
  readCheckpoint,
} from '@bomrl/trainer';
import { markdownTable, renderReport, resultsTable } from './lib/report.mjs';
import { frozenLakeTasks, optimalReturn, paperTasks } from './lib/tasks.mjs';
import { taskVariance } from './lib/theory.mjs';
import { trainingGap } from './lib/training-gap.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const exampleDir = path.resolve(here, '..');
const repoRoot = path.resolve(exampleDir, '../..');

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: path.join(repoRoot, 'runs', 'demo') },
    iterations: { type: 'string' },
    tasks: { type: 'string' },
    backend: { type: 'string' },
    alg2: { type: 'boolean', default: true },
    'no-alg2': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});
const log = args.quiet ? () => {} : (line) => console.log(line);
const started = performance.now();
const elapsed = () => (performance.now() - started) / 1000;
const out = path.resolve(args.out);

// ---- the runs ---------------------------------------------------------------------------------
const overrides = [
  ...(args.iterations ? [`meta.iterations=${Number(args.iterations)}`] : []),
  ...(args.backend ? [`backend=${args.backend}`] : []),
];
// Longest first; MAML (fast) next so its meta-test overlaps BO-MRL's training.
const RUNS = [
  { id: 'bomrl-alg1', file: 'configs/demo/bomrl-alg1.yaml' },
  { id: 'maml', file: 'configs/demo/maml.yaml' },
  ...(args.alg2 && !args['no-alg2']
    ? [{ id: 'bomrl-alg2', file: 'configs/demo/bomrl-alg2.yaml' }]
    : []),
].map((r) => ({
  ...r,
  config: loadConfigFile(path.join(exampleDir, r.file), overrides),
  dir: path.join(out, r.id),
}));

/** Trains one run in a child process (train-one.mjs); resolves with its summary line. */
function trainInChild(run) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(here, 'train-one.mjs'), path.join(exampleDir, run.file), run.dir, ...overrides],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let summary;
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text) => {
      for (const line of text.split('\n')) {
        if (line.startsWith('{"done"')) summary = JSON.parse(line);
        else if (line.trim()) log(`  ${line}`);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (text) => {
      stderr += text;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 && summary) resolve(summary);
      else reject(new Error(`training ${run.id} failed (exit ${code}):\n${stderr.slice(-4000)}`));
    });
  });
}

/** Starts the jobs in order, at most `width` at once; returns one promise per job. */
function pool(jobs, width) {
  const settle = jobs.map(() => {
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => {}); // reported where awaited
    return { promise, resolve, reject };
  });
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      try {
        settle[i].resolve(await jobs[i]());
      } catch (error) {
        settle[i].reject(error);
      }
    }
  };
  for (let w = 0; w < Math.min(width, jobs.length); w++) worker();
  return settle.map((s) => s.promise);
}

fs.mkdirSync(out, { recursive: true });
const cores = os.availableParallelism?.() ?? os.cpus().length;
log(
  `bomrl demo: Frozen Lake ${RUNS[0].config.env.size}x${RUNS[0].config.env.size}, ${RUNS[0].config.env.variance}-variance family, exact mode`,
);
log(
  `meta-training ${RUNS.map((r) => r.id).join(', ')} (${RUNS[0].config.meta.iterations} iterations x ${RUNS[0].config.meta.tasksPerBatch} tasks, ${Math.min(cores, RUNS.length)} at once) into ${path.relative(process.cwd(), out) || '.'}`,
);
const trained = pool(
  RUNS.map((run) => () => trainInChild(run)),
  Math.max(1, cores),
);
const done = Object.fromEntries(RUNS.map((r, i) => [r.id, trained[i]]));

// ---- theory check while the runs train (float64, cheap) ---------------------------------------
const tTheory = performance.now();
const demoConfig = RUNS[0].config;
const demoTasks = frozenLakeTasks(demoConfig);
const theory = { families: [] };
for (const variance of ['high', 'low']) {
  const config = { ...demoConfig, env: { ...demoConfig.env, variance } };
  const t = frozenLakeTasks(config);
  const all = [...t.train, ...t.test];
  const v = taskVariance(all.map(t.model));
  theory.families.push({
    family: `frozen-lake ${config.env.size}x${config.env.size} ${variance}-variance (generated)`,
    variance,
    source: `FrozenLake.family sampleTasks(${config.env.tasks.count}, seed ${config.env.tasks.seed})`,
    tasks: v.tasks,
    taskVariance: v.variance,
    numericMinimum: v.numeric,
    numericSteps: v.steps,
    meanOptimalReturn: all.reduce((s, task) => s + optimalReturn(t.model(task)), 0) / all.length,
  });
  const paper = paperTasks(variance);
  if (paper.length) {
    const models = paper.map((task) => t.model(task));
    const pv = taskVariance(models);
    theory.families.push({
      family: `frozen-lake 4x4 ${variance}-variance (the paper's ${paper.length} maps)`,
      variance,
      source: 'examples/frozen-lake/data/paper-maps.json',
      tasks: pv.tasks,
      taskVariance: pv.variance,
      numericMinimum: pv.numeric,
      numericSteps: pv.steps,
      meanOptimalReturn: models.reduce((s, m) => s + optimalReturn(m), 0) / models.length,
    });
  }
}
const theorySeconds = (performance.now() - tTheory) / 1000;
log(
  `theory check: task variance computed for ${theory.families.length} task sets in ${theorySeconds.toFixed(1)} s`,
);

// ---- meta-test on held-out maps (each method as soon as its runs are trained) -----------------
const backend = await selectBackend(demoConfig.backend);
const runById = Object.fromEntries(RUNS.map((r) => [r.id, r]));
const phiOf = (id) => Float64Array.from(readCheckpoint(new RunDirectory(runById[id].dir)).phi);
const setups = {};
const setupOf = async (id) => {
  setups[id] ??= await createRunSetup(runById[id].config);
  return setups[id];
};
const rounds = demoConfig.metaTest.rounds;
const testTaskCount = args.tasks ? Number(args.tasks) : undefined;
const alg1 = runById['bomrl-alg1'].config.method;
const alg2 = runById['bomrl-alg2']?.config.method;
const maml = runById.maml.config.method;
const METHODS = [
  {
    id: 'bomrl-alg1',
    label: 'BO-MRL Alg(1)',
    prior: 'BO-MRL Alg(1) meta-policy',
    adaptation: `Alg(1) forward KL, lambda ${alg1.testLambda}`,
    setup: 'bomrl-alg1',
    needs: ['bomrl-alg1'],
    phi: () => phiOf('bomrl-alg1'),
  },
  ...(alg2
    ? [
        {
          id: 'bomrl-alg2',
          label: 'BO-MRL Alg(2)',
          prior: 'BO-MRL Alg(2) meta-policy',
          adaptation: `Alg(2) reverse KL, lambda ${alg2.testLambda}`,
          setup: 'bomrl-alg2',
          needs: ['bomrl-alg2'],
          phi: () => phiOf('bomrl-alg2'),
        },
      ]
    : []),
  {
    id: 'maml',
    label: 'MAML',
    prior: 'MAML meta-policy',
    adaptation: `one exact PG step per round, alpha ${maml.alpha}`,
    setup: 'maml',
    needs: ['maml'],
    phi: () => phiOf('maml'),
  },
  {
    id: 'pg-from-bomrl-prior',
    label: 'PG from BO-MRL prior',
    prior: 'BO-MRL Alg(1) meta-policy',
    adaptation: `one exact PG step per round, alpha ${maml.alpha}`,
    setup: 'maml',
    needs: ['maml', 'bomrl-alg1'],
    phi: () => phiOf('bomrl-alg1'),
  },
  {
    id: 'random-init',
    label: 'Random init',
    prior: `uniform policy (every logit ${demoConfig.policy.initLogit}), untrained`,
    adaptation: `Alg(1) forward KL, lambda ${alg1.testLambda} (same operator as BO-MRL)`,
    setup: 'bomrl-alg1',
    needs: [],
    phi: async () => (await setupOf('bomrl-alg1')).method.initialParams(demoConfig.seed),
  },
  {
    id: 'alg1-from-maml-prior',
    label: 'Alg(1) from MAML prior',
    prior: 'MAML meta-policy',
    adaptation: `Alg(1) forward KL, lambda ${alg1.testLambda}`,
    setup: 'bomrl-alg1',
    needs: ['maml', 'bomrl-alg1'],
    phi: () => phiOf('maml'),
    diagnostic: true,
  },
];
// the order runs finish in: nothing (random init), MAML, then BO-MRL
const order = [
  'random-init',
  'maml',
  'bomrl-alg1',
  'pg-from-bomrl-prior',
  'alg1-from-maml-prior',
  'bomrl-alg2',
];
const evaluatedById = {};
let evalSeconds = 0;
for (const id of order) {
  const m = METHODS.find((x) => x.id === id);
  if (!m) continue;
  await Promise.all(m.needs.map((n) => done[n]));
  const tEval = performance.now();
  const setup = await setupOf(m.setup);
  const phi = await m.phi();
  const r = await evaluateMetaPolicy(setup, phi, {
    rounds,
    ...(testTaskCount ? { tasks: testTaskCount } : {}),
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
    rounds: r.rounds.map((x) => ({
      round: x.round,
      mean: x.exactReturn.mean,
      stderr: x.exactReturn.stderr,
      optimalityGap: x.optimalityGap,
      optimalReturn: x.optimalReturn,
      sampledReturn: x.return,
      sampledDiscountedReturn: x.discountedReturn,
    })),
  };
  evalSeconds += (performance.now() - tEval) / 1000;
  log(`  meta-tested ${m.label} on ${r.tasks} held-out maps (at ${elapsed().toFixed(1)} s)`);
}
for (const s of Object.values(setups)) s.dispose();
const evaluated = METHODS.map((m) => evaluatedById[m.id]);
const summaries = await Promise.all(trained);
const trainingSeconds = Math.max(...summaries.map((s) => s.seconds));

// ---- the bound's variance term beside the measured gaps ---------------------------------------
const demoFamily = theory.families.find(
  (f) => f.variance === demoConfig.env.variance && f.source.startsWith('FrozenLake'),
);
const byId = Object.fromEntries(evaluated.map((m) => [m.id, m]));
theory.demoFamily = demoFamily.family;
theory.varianceTerm = [
  {
    lambda: alg1.lambda,
    role: 'meta-training lambda of Alg(1)',
    value: alg1.lambda * demoFamily.taskVariance,
  },
  {
    lambda: alg1.testLambda,
    role: 'meta-test lambda of Alg(1)',
    value: alg1.testLambda * demoFamily.taskVariance,
  },
];
theory.measuredGap = {
  heldOutAfterOneRound: evaluated.map((m) => ({ id: m.id, gap: m.rounds[1]?.optimalityGap })),
  trainingAverage: RUNS.filter((r) => r.config.method.kind === 'bomrl').map((r) => ({
    id: r.id,
    ...trainingGap(new RunDirectory(r.dir), r.config, demoTasks),
  })),
};
theory.unknownConstants = {
  K: 'not computed (the optimization constant of the meta-gradient method; the theorem gives no value for it here)',
  M: 'not computed (the variance constant of the stochastic meta-gradient; exact mode has no sampling noise, but M is not evaluated)',
  A_max: 'not computed (sup over policies of |A(s, a)|; the theorem needs it to set lambda)',
  L: 'not computed (a Lipschitz constant of the policy class; unknown)',
  lambda:
    'the theorem sets lambda = A_max L / (1 - gamma)^2, which is therefore unknown; the variance term is shown at the lambdas actually used',
};
theory.reading =
  'Var(P(Gamma)) = min_theta (1/N) sum_tau sum_s nu^{pi*_tau}(s) KL(pi*_tau(.|s) || pi_theta(.|s)), pi*_tau the maximum-entropy optimal policy (uniform over tied optimal actions), nu its normalized discounted visitation; the literal direction KL(pi_theta || pi*_tau) is infinite for a deterministic pi*_tau.';

// ---- results.json, plots, report --------------------------------------------------------------
const totalSeconds = elapsed();
const settings = {
  family: demoConfig.env,
  policy: demoConfig.policy,
  mode: demoConfig.mode,
  runs: RUNS.map((r) => ({
    id: r.id,
    config: path.relative(repoRoot, path.join(exampleDir, r.file)),
    method: r.config.method,
    meta: r.config.meta,
    seed: r.config.seed,
  })),
  metaTest: {
    rounds,
    heldOutTasks: evaluated[0].tasks,
    episodesPerTaskSampled: evaluated[0].episodesPerTask,
  },
};
const checks = {
  bomrlAtLeastMamlAfterOneRound: byId['bomrl-alg1'].rounds[1].mean >= byId.maml.rounds[1].mean,
  bomrlBeatsRandomAfterOneRound:
    byId['bomrl-alg1'].rounds[1].mean > byId['random-init'].rounds[1].mean,
  mamlBeatsRandomAfterOneRound: byId.maml.rounds[1].mean > byId['random-init'].rounds[1].mean,
};
const results = {
  format: 'bomrl-demo-results',
  version: 1,
  command: 'pnpm demo',
  metric:
    'exact finite-horizon discounted return J on held-out maps (mean and standard error over maps); optimalityGap = J*_tau - J_tau',
  backend: backend.backend,
  pipeline: summaries[0].pipeline,
  timing: {
    longestTrainingRunSeconds: Number(trainingSeconds.toFixed(1)),
    perRun: summaries.map((s) => ({
      name: s.name,
      method: s.method,
      seconds: Number(s.seconds.toFixed(1)),
    })),
    theorySeconds: Number(theorySeconds.toFixed(1)),
    metaTestSeconds: Number(evalSeconds.toFixed(1)),
    totalSeconds: Number(totalSeconds.toFixed(1)),
    cores,
  },
  settings,
  methods: evaluated,
  checks,
  theory,
};
fs.writeFileSync(path.join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

const main = evaluated.filter((m) => !m.diagnostic);
const jStar = evaluated[0].rounds[0].optimalReturn;
const plots = {
  'adaptation.svg': lineChart({
    title: `Held-out maps: exact return after k adaptation rounds (mean ± s.e., ${evaluated[0].tasks} maps)`,
    xLabel: 'adaptation round',
    yLabel: 'exact discounted return J',
    series: evaluated.map((m) => ({
      name: m.label,
      points: m.rounds.map((r) => ({ x: r.round, y: r.mean, error: r.stderr })),
    })),
    reference: { y: jStar, label: `mean J* ${jStar.toFixed(3)}` },
  }),
  'optimality-gap.svg': lineChart({
    title: 'Held-out maps: optimality gap J* - J after k rounds (mean ± s.e.)',
    xLabel: 'adaptation round',
    yLabel: 'optimality gap',
    series: main.map((m) => ({
      name: m.label,
      points: m.rounds.map((r) => ({
        x: r.round,
        y: r.optimalityGap.mean,
        error: r.optimalityGap.stderr,
      })),
    })),
    reference: {
      y: theory.varianceTerm[1].value,
      label: `lambda_test Var = ${theory.varianceTerm[1].value.toFixed(4)}`,
    },
  }),
  'training.svg': lineChart({
    title: 'Meta-training: post-adaptation objective on the meta-batch',
    xLabel: 'meta-iteration',
    yLabel: 'mean exact return after the training-time adaptation',
    series: RUNS.map((r) => ({
      name: r.id,
      points: new RunDirectory(r.dir)
        .readMetrics()
        .map((row) => ({ x: row.iteration, y: row.objective })),
    })),
  }),
};
for (const [file, svg] of Object.entries(plots)) fs.writeFileSync(path.join(out, file), svg);
fs.writeFileSync(path.join(out, 'report.md'), renderReport(results, Object.keys(plots)));

log('');
log(markdownTable(resultsTable(results)));
log('');
log(
  `checks: BO-MRL >= MAML after one round: ${checks.bomrlAtLeastMamlAfterOneRound}; BO-MRL > random: ${checks.bomrlBeatsRandomAfterOneRound}; MAML > random: ${checks.mamlBeatsRandomAfterOneRound}`,
);
log(
  `task variance (${demoFamily.family}): ${demoFamily.taskVariance.toFixed(4)}; lambda*Var at lambda ${alg1.lambda}: ${theory.varianceTerm[0].value.toFixed(4)}, at lambda ${alg1.testLambda}: ${theory.varianceTerm[1].value.toFixed(4)}`,
);
log(
  `wrote ${path.join(out, 'results.json')}, ${Object.keys(plots).join(', ')}, report.md in ${totalSeconds.toFixed(1)} s (backend ${backend.backend})`,
);
