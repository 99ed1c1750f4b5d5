/**
 * `pnpm bench:lower-level`: how close each lower-level solver gets to stationarity on
 * HalfCheetahVel pre-update data (BO-MRL Alg(1), lambda 0.5, the 17-128-128-6 policy at its
 * initialization), and at what cost. Prints, per solver, the relative gradient norm
 * ||grad G(theta')|| / ||grad G(phi)||, G(theta'), the iterations, the work (value+gradient evaluations and
 * Hessian-vector products, where the solver counts them) and the seconds. All solvers run on the
 * same batches in one process, so their seconds compare.
 *
 * Options: --tasks N (default 2), --episodes N (20), --horizon N (200), --json,
 * --lambda X (default: the config's), --ratio plain|smooth-clip (default plain, as the trainer),
 * --normalize (normalized advantages; default off, as the config),
 * --distance forward-kl|reverse-kl|l2 (default forward-kl, the config's Alg(1)),
 * --only SUBSTRING (run only the solvers whose label contains it),
 * --solver JSON (instead of the list below: one `@bomrl/adaptation` SolverSpec, e.g.
 * '{"kind":"lbfgs","maxSteps":200,"tol":1e-9}'; repeat the option for several),
 * --blocks (print, on stderr, ||grad G(theta')|| per parameter block: each layer's weights and
 * biases, then the log-std: where the remaining gradient lies),
 * --rel-tol X (stop every solver once ||grad G(theta)|| <= X ||grad G(phi)||: the cost of
 * reaching X rather than of the whole budget).
 */

import { forwardKL, l2, lowerLevelObjective, maximize, reverseKL } from '@bomrl/adaptation';
import { gradient } from '@bomrl/core';
import { buildBatch } from '@bomrl/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { args, option } from './bench-args.mjs';
import { halfCheetahSetup } from './half-cheetah-setup.mjs';

const tasks = option('tasks', 2);
const episodes = option('episodes', 20);
const horizon = option('horizon', 200);
const normalize = args.includes('--normalize');
const ratio = args.includes('--ratio') ? args[args.indexOf('--ratio') + 1] : 'plain';
const distanceName = args.includes('--distance')
  ? args[args.indexOf('--distance') + 1]
  : 'forward-kl';
const distance = { 'forward-kl': forwardKL, 'reverse-kl': reverseKL, l2 }[distanceName];
if (!distance) throw new Error(`--distance: forward-kl, reverse-kl or l2, got ${distanceName}`);

const LISTED = [
  {
    label: 'adam lr 1e-3 x 50 (authors)',
    solver: { kind: 'adam', lr: 1e-3, maxSteps: 50, tol: 1e-9 },
  },
  { label: 'adam lr 1e-4 x 50', solver: { kind: 'adam', lr: 1e-4, maxSteps: 50, tol: 1e-9 } },
  { label: 'lbfgs x 50', solver: { kind: 'lbfgs', maxSteps: 50, tol: 1e-9 } },
  {
    label: 'newton-cg x 10 (cg 10)',
    solver: { kind: 'newton-cg', maxSteps: 10, cgIterations: 10, tol: 1e-9 },
  },
  { label: 'newton-cg x 20 (cg 20, default)', solver: { kind: 'newton-cg', tol: 1e-9 } },
].filter((s) => !args.includes('--only') || s.label.includes(args[args.indexOf('--only') + 1]));
const custom = args.flatMap((a, i) => (a === '--solver' ? [JSON.parse(args[i + 1])] : []));
const SOLVERS =
  custom.length > 0 ? custom.map((s) => ({ label: JSON.stringify(s), solver: s })) : LISTED;

const { config, setup, policy, sampler, phi } = await halfCheetahSetup({ episodes, horizon });
const lambda = option('lambda', config.method.lambda);
const rows = SOLVERS.map((s) => ({
  solver: s.label,
  relGradNorm: [],
  steps: [],
  evaluations: [],
  value: [],
  hessianProducts: [],
  seconds: [],
}));
const norm = (G, at) => tf.tidy(() => tf.norm(gradient((t) => G(t, phi), at)).dataSync()[0]);
for (let k = 0; k < tasks; k++) {
  const [eps] = await sampler.sample([
    { task: setup.tasks.train[k], params: phi, episodes, seed: 100 + k },
  ]);
  const batch = buildBatch(policy, eps, {
    gamma: config.env.gamma,
    gaeLambda: 1,
    normalize,
  });
  const G = lowerLevelObjective({ distance, lambda, surrogate: { ratio } }, batch.data);
  const start = norm(G, tf.clone(phi));
  SOLVERS.forEach((s, i) => {
    const t0 = performance.now();
    // what adapt() runs for sampled data, called directly for the solver's cost counts
    const relTol = option('rel-tol', undefined);
    const spec = relTol === undefined ? s.solver : { ...s.solver, tol: relTol * start };
    const r = maximize((t) => G(t, phi), phi, spec);
    rows[i].seconds.push((performance.now() - t0) / 1000);
    rows[i].relGradNorm.push(r.gradNorm / start);
    rows[i].steps.push(r.steps);
    rows[i].value.push(r.value);
    // Adam and gradient ascent: one evaluation per step plus the final measurement
    rows[i].evaluations.push(r.cost?.evaluations ?? r.steps + 1);
    rows[i].hessianProducts.push(r.cost?.hessianProducts ?? 0);
    if (args.includes('--blocks')) {
      const g = tf.tidy(() => gradient((t) => G(t, phi), r.theta).dataSync());
      let offset = 0;
      const parts = policy.paramShapes.map((shape) => {
        const size = shape.reduce((a, b) => a * b, 1);
        let sq = 0;
        for (let j = offset; j < offset + size; j++) sq += g[j] ** 2;
        offset += size;
        return `[${shape}] ${Math.sqrt(sq).toExponential(2)}`;
      });
      console.error(`task ${k} ${s.label}: ||grad G(theta')|| by block: ${parts.join(', ')}`);
    }
    // progress on stderr (stdout stays the table or the JSON)
    console.error(
      `task ${k} ${s.label}: rel ${(r.gradNorm / start).toExponential(2)}, ${r.steps} steps, ${rows[i].seconds.at(-1).toFixed(1)} s`,
    );
    r.theta.dispose();
  });
  batch.dispose();
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const out = rows.map((r) => ({
  solver: r.solver,
  meanRelGradNorm: Number(mean(r.relGradNorm).toPrecision(3)),
  maxRelGradNorm: Number(Math.max(...r.relGradNorm).toPrecision(3)),
  // G(theta') (G(phi) = mean advantage ~ 0): how far uphill the solver went
  meanObjective: Number(mean(r.value).toPrecision(3)),
  meanSteps: mean(r.steps),
  meanEvaluations: mean(r.evaluations),
  meanHessianProducts: mean(r.hessianProducts),
  meanSecondsPerTask: Number(mean(r.seconds).toFixed(2)),
}));
if (args.includes('--json'))
  console.log(
    JSON.stringify({
      tasks,
      episodes,
      horizon,
      distance: distanceName,
      lambda,
      ratio,
      normalize,
      relTol: option('rel-tol', null),
      solvers: out,
    }),
  );
else console.table(out);
phi.dispose();
setup.dispose();
