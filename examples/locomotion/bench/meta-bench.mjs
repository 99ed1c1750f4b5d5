/**
 * `pnpm bench:meta`: seconds per meta-iteration of BO-MRL and MAML-TRPO on HalfCheetahVel at the
 * paper's settings (10 tasks, 20 episodes of 200 steps per task and phase, 17-128-128-6 policy,
 * BO-MRL Alg(1) lambda 0.5 'full', MAML-TRPO alpha 0.1, max_kl 0.01), measured side by side in
 * one process, next to the single-thread time of stepping the same env steps with zero actions.
 *
 * Options (for quick runs while iterating; the README quotes the defaults):
 *   --json            print one JSON object instead of a table
 *   --tasks N         tasks per meta-batch (default 10)
 *   --episodes N      episodes per task and phase (default 20)
 *   --horizon N       steps per episode (default 200)
 *   --iterations N    timed meta-iterations per method after one warm-up (default 2)
 *   --methods a,b     which of bomrl,bomrl-resolve,bomrl-stationary,maml-trpo to run (default
 *                     bomrl,bomrl-resolve,maml-trpo; bomrl-resolve is the BO-MRL config with
 *                     method.lineSearch: resolve, the line search that re-solves every task's
 *                     lower level per candidate; bomrl-stationary is
 *                     half-cheetah-vel-bomrl-stationary.yaml)
 *   --workers N       worker threads for the methods' runs (default: one per core)
 *   --compare m       the method also run with ONE worker, to report the speedup and check the
 *                     metrics are identical (default maml-trpo; 'none' skips it)
 *   --set key=value   extra config overrides, applied to every method (repeatable)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile, train } from '@bomrl/trainer';

const here = path.dirname(fileURLToPath(import.meta.url));
const configs = path.join(here, '..', 'configs');

function parseArgs(argv) {
  const args = { json: false, tasks: 10, episodes: 20, horizon: 200, iterations: 2, set: [] };
  args.workers = os.availableParallelism();
  args.compare = 'maml-trpo';
  args.methods = ['bomrl', 'bomrl-resolve', 'maml-trpo'];
  const rest = argv.filter((a) => a !== '--');
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = () => {
      const v = rest[++i];
      if (v === undefined) throw new Error(`meta-bench: ${a} needs a value`);
      return v;
    };
    if (a === '--json') args.json = true;
    else if (a === '--tasks') args.tasks = Number(value());
    else if (a === '--episodes') args.episodes = Number(value());
    else if (a === '--horizon') args.horizon = Number(value());
    else if (a === '--iterations') args.iterations = Number(value());
    else if (a === '--methods') args.methods = value().split(',');
    else if (a === '--set') args.set.push(value());
    else if (a === '--workers') args.workers = Number(value());
    else if (a === '--compare') args.compare = value();
    else
      throw new Error(`meta-bench: unknown option '${a}' (see the comment at the top of the file)`);
  }
  return args;
}

const seconds = (t0) => (performance.now() - t0) / 1000;

/** Single-thread seconds of stepping `steps` env steps with zero actions (MuJoCo only). */
async function physicsSeconds(config, episodesPerPhase) {
  const { createTaskSetup } = await import('@bomrl/trainer');
  const { VectorEnv } = await import('@bomrl/envs');
  const setup = await createTaskSetup(config);
  const tasks = setup.train.slice(0, config.meta.tasksPerBatch);
  const vec = new VectorEnv(
    Array.from({ length: episodesPerPhase }, () => setup.family.make(tasks[0])),
  );
  const zeros = new Float32Array(episodesPerPhase * vec.actionSize);
  // one untimed pass first: the WASM engine compiles its hot code on first use
  vec.reset({ seed: 0 });
  for (let t = 0; t < config.env.horizon; t++) vec.step(zeros);
  const t0 = performance.now();
  for (let phase = 0; phase < 2; phase++) {
    for (const task of tasks) {
      for (let i = 0; i < episodesPerPhase; i++) vec.setTask(i, task);
      vec.reset({ seed: 1 });
      for (let t = 0; t < config.env.horizon; t++) vec.step(zeros);
    }
  }
  const s = seconds(t0);
  vec.close();
  return s;
}

/**
 * Trains `1 + iterations` meta-iterations; returns the timed iterations' median seconds and the
 * run's metrics.jsonl (deterministic: no wall-clock fields), to compare across worker counts.
 */
async function iterationSeconds(config, iterations) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bomrl-bench-'));
  const stamps = [];
  let last;
  let metrics;
  try {
    let t0 = performance.now();
    await train(
      { ...config, meta: { ...config.meta, iterations: iterations + 1 } },
      {
        out,
        onProgress: ({ metrics }) => {
          stamps.push(seconds(t0));
          t0 = performance.now();
          last = metrics;
        },
      },
    );
    metrics = fs.readFileSync(path.join(out, 'metrics.jsonl'), 'utf8');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
  const timed = stamps.slice(1).sort((a, b) => a - b);
  // the median; with an even count the mean of the middle two (never the smaller one alone)
  const mid = Math.floor(timed.length / 2);
  const median = timed.length % 2 === 1 ? timed[mid] : (timed[mid - 1] + timed[mid]) / 2;
  return { seconds: median, all: stamps, last, metrics };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const overrides = [
    `meta.tasksPerBatch=${args.tasks}`,
    `sampler.episodesPerTask=${args.episodes}`,
    `env.horizon=${args.horizon}`,
    'backend=wasm',
    ...args.set,
  ];
  // each method: its config file, its own overrides and its key in the JSON
  const files = {
    bomrl: { file: 'half-cheetah-vel-bomrl.yaml', set: [], key: 'bomrl' },
    'bomrl-resolve': {
      file: 'half-cheetah-vel-bomrl.yaml',
      set: ['method.lineSearch=resolve'],
      key: 'bomrlResolve',
    },
    'bomrl-stationary': {
      file: 'half-cheetah-vel-bomrl-stationary.yaml',
      set: [],
      key: 'bomrlStationary',
    },
    'maml-trpo': { file: 'half-cheetah-vel-maml-trpo.yaml', set: [], key: 'mamlTrpo' },
  };
  const load = (name, workers = args.workers) =>
    loadConfigFile(path.join(configs, files[name].file), [
      ...overrides,
      ...files[name].set,
      `executor.workers=${workers}`,
    ]);
  const physics = await physicsSeconds(load('maml-trpo'), args.episodes);
  const result = { physicsSeconds: round(physics) };
  const runs = {};
  for (const name of args.methods) {
    if (!files[name]) {
      throw new Error(`meta-bench: unknown method '${name}' (${Object.keys(files).join(', ')})`);
    }
    const r = await iterationSeconds(load(name), args.iterations);
    runs[name] = r;
    result[files[name].key] = {
      iterationSeconds: round(r.seconds),
      ratio: round(r.seconds / physics),
      allSeconds: r.all.map(round),
    };
    if (r.last) result[files[name].key].lastMetrics = r.last;
    if (name === 'bomrl' && r.last)
      result.lowerLevelRelGradNorm = r.last.maxLowerRelGradNorm ?? null;
  }
  result.workers = null;
  result.identicalAcrossWorkers = null;
  if (args.compare !== 'none') {
    if (!files[args.compare]) throw new Error(`meta-bench: --compare '${args.compare}' is unknown`);
    const many =
      runs[args.compare] ?? (await iterationSeconds(load(args.compare), args.iterations));
    const one = await iterationSeconds(load(args.compare, 1), args.iterations);
    result.workers = {
      method: args.compare,
      count: args.workers,
      1: round(one.seconds),
      N: round(many.seconds),
      speedup: round(one.seconds / many.seconds),
    };
    result.identicalAcrossWorkers = one.metrics === many.metrics;
  }
  result.peakRssMB = round(process.resourceUsage().maxRSS / 1024);
  result.settings = { ...args, cpus: os.cpus().length, cpu: os.cpus()[0]?.model };
  if (args.json) console.log(JSON.stringify(result));
  else console.log(JSON.stringify(result, null, 2));
}

const round = (x) => (typeof x === 'number' ? Math.round(x * 1000) / 1000 : x);

await main();
