/**
 * `pnpm bench:meta`: seconds per meta-iteration of BO-MRL and MAML-TRPO on HalfCheetahVel at the
 * paper's settings (10 tasks, 20 episodes of 200 steps per task and phase, 17-128-128-6 policy,
 * BO-MRL Alg(1) lambda 0.5 'full', MAML-TRPO alpha 0.1, max_kl 0.01), measured side by side in
 * one run (each training run in a fresh child process), next to the single-thread time of stepping
 * the same env steps with zero actions.
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
 *   --repeats N       runs of the compared method per worker count, in the order N,1,1,N,N,1,...
 *                     so that a drift of the machine's speed hits both counts alike (default 2)
 *   --set key=value   extra config overrides, applied to every method (repeatable)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile, train } from '@bomrl/trainer';

const here = path.dirname(fileURLToPath(import.meta.url));
const configs = path.join(here, '..', 'configs');

function parseArgs(argv) {
  const args = {
    json: false,
    tasks: 10,
    episodes: 20,
    horizon: 200,
    iterations: 2,
    repeats: 2,
    set: [],
  };
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
    else if (a === '--repeats') args.repeats = Number(value());
    else
      throw new Error(`meta-bench: unknown option '${a}' (see the comment at the top of the file)`);
  }
  for (const key of ['tasks', 'episodes', 'horizon', 'iterations', 'workers', 'repeats']) {
    if (!Number.isInteger(args[key]) || args[key] < 1)
      throw new Error(`meta-bench: --${key} must be a positive integer, got ${args[key]}`);
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
 * Trains `1 + iterations` meta-iterations in a fresh child process and returns what
 * {@link trainHere} measured there plus the child's peak RSS. A fresh process per run: runs that
 * shared one process were slowed by the runs before them (MAML-TRPO's 2-worker iteration took
 * 10-12 s after a BO-MRL run, 8-9 s alone), which made the results depend on the method order.
 */
async function iterationSeconds(config, iterations) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bomrl-bench-run-'));
  try {
    const configFile = path.join(dir, 'config.json');
    const resultFile = path.join(dir, 'result.json');
    fs.writeFileSync(configFile, JSON.stringify(config));
    const code = await new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        // the parent's node flags too (e.g. --trace-gc, --cpu-prof reach the training run)
        [
          ...process.execArgv,
          fileURLToPath(import.meta.url),
          '--child',
          configFile,
          String(iterations),
          resultFile,
        ],
        { stdio: 'inherit' },
      );
      child.on('error', reject);
      child.on('exit', resolve);
    });
    if (code !== 0) throw new Error(`meta-bench: the training run exited with code ${code}`);
    return JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Trains `1 + iterations` meta-iterations in this process; returns the timed iterations' median
 * seconds and the run's metrics.jsonl (deterministic: no wall-clock fields), to compare across
 * worker counts.
 */
async function trainHere(config, iterations) {
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
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  return { seconds: median(stamps.slice(1)), all: stamps, last, metrics, peakRssMB };
}

/** The median; with an even count the mean of the middle two (never the smaller one alone). */
function median(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
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
  for (const name of [...args.methods, ...(args.compare === 'none' ? [] : [args.compare])]) {
    if (!files[name]) {
      throw new Error(`meta-bench: unknown method '${name}' (${Object.keys(files).join(', ')})`);
    }
  }
  // The physics time is measured before every method's run and once at the end, and the median
  // is the ratios' denominator: one measurement at the start let a drift of the machine's speed
  // (6 to 8 s for the same steps within an hour on the shared VM) move every ratio by a third.
  const physicsConfig = load('maml-trpo');
  const physicsSamples = [];
  const measurePhysics = async () =>
    physicsSamples.push(await physicsSeconds(physicsConfig, args.episodes));
  const runs = {};
  for (const name of args.methods) {
    await measurePhysics();
    runs[name] = await iterationSeconds(load(name), args.iterations);
  }
  // The speedup: runs of the compared method alternating N,1,1,N,N,1,... workers, so a drift in
  // the machine's speed during the comparison falls on both worker counts alike.
  const compared = { N: [], 1: [] };
  if (args.compare !== 'none') {
    const order = Array.from({ length: 2 * args.repeats }, (_, i) =>
      i % 4 === 0 || i % 4 === 3 ? 'N' : '1',
    );
    // the methods' run of the compared method is the first N run when it came last (adjacent)
    if (args.methods.at(-1) === args.compare) {
      compared.N.push(runs[args.compare]);
      order.shift();
    }
    for (const count of order) {
      const workers = count === 'N' ? args.workers : 1;
      compared[count].push(await iterationSeconds(load(args.compare, workers), args.iterations));
    }
  }
  await measurePhysics();
  const physics = median(physicsSamples);
  const result = {
    physicsSeconds: round(physics),
    physicsSamples: physicsSamples.map(round),
  };
  for (const [name, r] of Object.entries(runs)) {
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
    // each count's seconds: the median of all its runs' timed iterations
    const seconds = (rs) => median(rs.flatMap((r) => r.all.slice(1)));
    const [one, many] = [seconds(compared[1]), seconds(compared.N)];
    result.workers = {
      method: args.compare,
      count: args.workers,
      1: round(one),
      N: round(many),
      speedup: round(one / many),
      runs: {
        1: compared[1].map((r) => round(r.seconds)),
        N: compared.N.map((r) => round(r.seconds)),
      },
    };
    const all = [...compared[1], ...compared.N];
    result.identicalAcrossWorkers = all.every((r) => r.metrics === all[0].metrics);
  }
  // the largest training run (coordinator + workers: one process each run), or this process
  const peaks = [...Object.values(runs), ...compared[1], ...compared.N].map((r) => r.peakRssMB);
  result.peakRssMB = round(Math.max(process.resourceUsage().maxRSS / 1024, ...peaks));
  result.settings = { ...args, cpus: os.cpus().length, cpu: os.cpus()[0]?.model };
  if (args.json) console.log(JSON.stringify(result));
  else console.log(JSON.stringify(result, null, 2));
}

const round = (x) => (typeof x === 'number' ? Math.round(x * 1000) / 1000 : x);

if (process.argv[2] === '--child') {
  const [configFile, iterations, resultFile] = process.argv.slice(3);
  const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
  fs.writeFileSync(resultFile, JSON.stringify(await trainHere(config, Number(iterations))));
} else {
  await main();
}
