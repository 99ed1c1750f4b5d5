/**
 * `pnpm --filter @bomrl/trainer exec tsx bench/task-kernels.ts`: where one sampled BO-MRL task
 * job's tensor time goes, by phase and by wasm kernel. Runs the job's pieces (`prepareTask`,
 * `solveLowerLevel`, `outerPolicyGradient`, `implicitHypergradients` for 'ignore-data', then the
 * extra 'full' cross product) on one HalfCheetahVel task at the paper's size (20 x 200 = 4,000
 * samples, 17-128-128-6 policy, Alg(1), lambda 0.5, smooth-clip, 50 Adam steps, 10 CG products)
 * with every wasm kernel wrapped in a timer (wasm kernels run synchronously, so the wall time
 * around the call is the kernel's), and prints per phase: wall seconds, seconds inside kernels,
 * and the kernels (name and input shapes) that took the most.
 *
 * Options: --episodes N (20), --horizon N (200), --top N (12 kernels per phase).
 */
import {
  crossHvp,
  implicitHypergradients,
  outerPolicyGradient,
  prepareTask,
  solveLowerLevel,
  taskObjective,
} from '@bomrl/meta-gradient';
import * as tf from '@tensorflow/tfjs-core';
import { resolveConfig } from '../src/config/load';
import { createJobContext } from '../src/executor/job-context';
import { sampledSettings } from '../src/methods/bomrl-sampled';
import { createTaskSetup } from '../src/setup/family';
import { integerOption } from './bench-option';

const episodes = integerOption('episodes', 20);
const horizon = integerOption('horizon', 200);
const top = integerOption('top', 12);

const config = resolveConfig({
  name: 'bench-task-kernels',
  env: {
    family: 'half-cheetah-vel',
    gamma: 0.995,
    horizon,
    tasks: { count: 100, seed: 7, trainFraction: 0.8 },
  },
  policy: { kind: 'gaussian-mlp', hidden: [128, 128], logStdInit: -0.7 },
  method: {
    kind: 'bomrl',
    alg: 'forward-kl',
    lambda: 0.5,
    hypergradient: 'full',
    surrogate: 'smooth-clip',
    solver: { kind: 'adam', lr: 0.001, maxSteps: 50, tol: 1e-6 },
  },
  mode: 'sampled',
  sampler: { episodesPerTask: episodes, gaeLambda: 1, normalizeAdvantages: false },
  backend: 'wasm',
  executor: { workers: 0 },
  seed: 0,
});
const ctx = await createJobContext({ config, backend: 'wasm' });
const { policy, sampler } = ctx;
const setup = await createTaskSetup(config);
const settings = sampledSettings(config);
const phi = policy.init(config.seed);

// every wasm kernel timed, keyed by phase, then kernel name and input shapes
let phase = 'setup';
const table = new Map<string, Map<string, { ms: number; calls: number }>>();
const wall = new Map<string, number>();
for (const k of tf.getKernelsForBackend('wasm')) {
  const inner = k.kernelFunc;
  tf.unregisterKernel(k.kernelName, 'wasm');
  tf.registerKernel({
    ...k,
    kernelFunc: (args) => {
      const t0 = performance.now();
      const out = inner(args);
      const ms = performance.now() - t0;
      const shapes = Object.values(args.inputs)
        .map((t) => `[${(t as { shape: number[] }).shape}]`)
        .join('');
      const key = `${k.kernelName} ${shapes}`;
      const rows = table.get(phase) ?? new Map();
      table.set(phase, rows);
      const row = rows.get(key) ?? { ms: 0, calls: 0 };
      row.ms += ms;
      row.calls++;
      rows.set(key, row);
      return out;
    },
  });
}
function timed<T>(name: string, f: () => T): T {
  phase = name;
  const t0 = performance.now();
  try {
    return f();
  } finally {
    wall.set(name, (wall.get(name) ?? 0) + (performance.now() - t0) / 1000);
    phase = 'other';
  }
}

const task = setup.train[0];
const [pre] = await sampler.sample([{ task, params: phi, episodes, seed: 1 }]);
const prepared = timed('prepare', () =>
  prepareTask(policy, phi, pre!, settings, ['full', 'ignore-data']),
);
const { theta } = timed('lower level', () => solveLowerLevel(policy, phi, prepared, settings));
const [post] = await sampler.sample([{ task, params: theta, episodes, seed: 2 }]);
const g = timed('outer gradient', () =>
  outerPolicyGradient(policy, theta, post!, settings.gamma, settings.gaeLambda ?? 1),
);
const solved = timed('hypergradient ignore-data (adjoint CG + cross)', () =>
  implicitHypergradients(policy, phi, theta, g, prepared, settings, ['ignore-data']),
);
const adjoint = tf.tensor1d(Float32Array.from(solved.gradients['ignore-data']!));
timed("hypergradient 'full' cross product (extra)", () =>
  tf.tidy(() =>
    crossHvp(taskObjective('full', policy, prepared, settings), theta, phi, adjoint).dataSync(),
  ),
);
for (const [name, rows] of table) {
  if (!wall.has(name)) continue;
  const kernelMs = [...rows.values()].reduce((s, r) => s + r.ms, 0);
  console.log(
    `\n== ${name}: wall ${wall.get(name)!.toFixed(2)} s, in kernels ${(kernelMs / 1000).toFixed(2)} s`,
  );
  const byName = new Map<string, number>();
  for (const [key, r] of rows) {
    const n = key.split(' ')[0]!;
    byName.set(n, (byName.get(n) ?? 0) + r.ms);
  }
  console.log(
    '  by kernel:',
    [...byName.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([n, ms]) => `${n} ${((100 * ms) / kernelMs).toFixed(1)}%`)
      .join(', '),
  );
  for (const [key, r] of [...rows.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, top))
    console.log(
      `  ${(r.ms / 1000).toFixed(3).padStart(7)} s ${String(r.calls).padStart(6)}x ${key}`,
    );
}
tf.dispose([phi, theta, g, adjoint]);
prepared.data.dispose();
ctx.close();
