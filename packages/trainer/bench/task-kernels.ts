/**
 * `pnpm --filter @bomrl/trainer exec tsx bench/task-kernels.ts`: where one sampled BO-MRL task
 * job's tensor time goes, by phase and by wasm kernel. Runs the job's pieces (`prepareTask`,
 * `solveLowerLevel`, `outerPolicyGradient`, `implicitHypergradients` for 'ignore-data', and each
 * mode's cross product alone: 'full' is what the second mode costs on top) on one HalfCheetahVel task at the paper's size (20 x 200 = 4,000
 * samples, 17-128-128-6 policy, Alg(1), lambda 0.5, smooth-clip, 50 Adam steps, 10 CG products)
 * with every wasm kernel wrapped in a timer (wasm kernels run synchronously, so the wall time
 * around the call is the kernel's), and prints per phase: wall seconds, seconds inside kernels,
 * the matMul work (GFLOP) with the time it took and so the rate the backend reached, and the
 * kernels (name and input shapes) that took the most.
 *
 * Every piece runs with `@bomrl/core`'s forward sharing off ("before") and on ("after"), in
 * alternating order over --rounds, and the last lines are the before / after ratios of wall and
 * CPU seconds per phase (CPU seconds of this process are less disturbed by other jobs).
 *
 * Options: --episodes N (20), --horizon N (200), --top N (12 kernels per phase), --rounds N (1).
 */

import { setForwardSharing } from '@bomrl/core';
import {
  crossHvp,
  implicitHypergradients,
  outerPolicyGradient,
  prepareTask,
  solveLowerLevel,
  taskObjective,
} from '@bomrl/meta-gradient';
import * as tf from '@tensorflow/tfjs-core';
import { integerOption } from './bench-option';
import { halfCheetahTask } from './half-cheetah-task';

const episodes = integerOption('episodes', 20);
const horizon = integerOption('horizon', 200);
const top = integerOption('top', 12);
const rounds = integerOption('rounds', 1);

const { config, ctx, setup, settings } = await halfCheetahTask(
  'bench-task-kernels',
  episodes,
  horizon,
);
const { policy, sampler } = ctx;
const phi = policy.init(config.seed);

// every wasm kernel timed, keyed by phase, then kernel name and input shapes
let phase = 'setup';
const table = new Map<string, Map<string, { ms: number; calls: number }>>();
const wall = new Map<string, number>();
/** MatMul floating-point operations per phase: the work, whatever the machine's load. */
const flops = new Map<string, number>();
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
      if (k.kernelName === 'BatchMatMul') {
        // 2 M K N per product (rank-2 operands here; any leading batch dims multiply)
        const [a, b] = [args.inputs.a, args.inputs.b] as unknown as { shape: number[] }[];
        const ta = Boolean(args.attrs?.transposeA);
        const tb = Boolean(args.attrs?.transposeB);
        const r = a!.shape.length;
        const M = a!.shape[ta ? r - 1 : r - 2]!;
        const K = a!.shape[ta ? r - 2 : r - 1]!;
        const N = b!.shape[tb ? r - 2 : r - 1]!;
        const batch = a!.shape.slice(0, -2).reduce((x, y) => x * y, 1);
        flops.set(phase, (flops.get(phase) ?? 0) + 2 * batch * M * K * N);
      }
      const row = rows.get(key) ?? { ms: 0, calls: 0 };
      row.ms += ms;
      row.calls++;
      rows.set(key, row);
      return out;
    },
  });
}
const cpu = new Map<string, number>();
function timed<T>(name: string, f: () => T): T {
  phase = name;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  try {
    return f();
  } finally {
    const c = process.cpuUsage(c0);
    wall.set(name, (wall.get(name) ?? 0) + (performance.now() - t0) / 1000);
    cpu.set(name, (cpu.get(name) ?? 0) + (c.user + c.system) / 1e6);
    phase = 'other';
  }
}

const task = setup.train[0];
const [pre] = await sampler.sample([{ task, params: phi, episodes, seed: 1 }]);
const PHASES = [
  'lower level (50 Adam steps + measurements)',
  "hypergradient 'ignore-data' (stationarity, 10 CG products, cross product)",
  "cross product 'ignore-data' alone",
  "cross product 'full' alone (the second mode's extra cost)",
] as const;
/** One task's lower level and hypergradient pieces with sharing on or off. */
async function pieces(label: string, sharing: boolean) {
  setForwardSharing(sharing);
  const prepared = prepareTask(policy, phi, pre!, settings, ['full', 'ignore-data']);
  const { theta } = timed(`${label}: ${PHASES[0]}`, () =>
    solveLowerLevel(policy, phi, prepared, settings),
  );
  const [post] = await sampler.sample([{ task, params: theta, episodes, seed: 2 }]);
  const g = outerPolicyGradient(policy, theta, post!, settings.gamma, settings.gaeLambda ?? 1);
  timed(`${label}: ${PHASES[1]}`, () =>
    implicitHypergradients(policy, phi, theta, g, prepared, settings, ['ignore-data']),
  );
  // any vector of the right size: the cost of a cross product does not depend on it
  const v = tf.onesLike(theta);
  for (const [mode, name] of [
    ['ignore-data', PHASES[2]],
    ['full', PHASES[3]],
  ] as const) {
    timed(`${label}: ${name}`, () =>
      tf.tidy(() => {
        crossHvp(taskObjective(mode, policy, prepared, settings), theta, phi, v).dataSync();
      }),
    );
  }
  tf.dispose([theta, g, v]);
  prepared.data.dispose();
}
await pieces('warm-up', true);
for (let r = 0; r < rounds; r++) {
  // alternate the order, so that drifts of the machine's load hit both alike
  for (const sharing of r % 2 === 0 ? [false, true] : [true, false])
    await pieces(sharing ? 'after' : 'before', sharing);
}
setForwardSharing(true);
for (const [name, rows] of table) {
  if (!wall.has(name) || name.startsWith('warm-up')) continue;
  const kernelMs = [...rows.values()].reduce((s, r) => s + r.ms, 0);
  const matMulMs = [...rows.entries()]
    .filter(([key]) => key.startsWith('BatchMatMul '))
    .reduce((s, [, r]) => s + r.ms, 0);
  const gflop = (flops.get(name) ?? 0) / 1e9;
  // the rate the backend's matMul reached here: with the FLOP count, a floor for the phase
  console.log(
    `\n== ${name}: wall ${wall.get(name)!.toFixed(2)} s, CPU ${cpu.get(name)!.toFixed(2)} s, in kernels ${(kernelMs / 1000).toFixed(2)} s, matMul ${gflop.toFixed(1)} GFLOP in ${(matMulMs / 1000).toFixed(2)} s (${(gflop / (matMulMs / 1000)).toFixed(1)} GFLOP/s)`,
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
console.log(`\n== before / after over ${rounds} round(s) (sharing off / on)`);
for (const p of PHASES) {
  const ratio = (m: Map<string, number>) =>
    (m.get(`before: ${p}`)! / m.get(`after: ${p}`)!).toFixed(2);
  console.log(`  ${p}: wall ${ratio(wall)}x, CPU ${ratio(cpu)}x, matMul work ${ratio(flops)}x`);
}
phi.dispose();
ctx.close();
