/**
 * `pnpm --filter @bomrl/trainer exec tsx bench/task-bench.ts`: one sampled BO-MRL task job
 * (`runBomrlTask`) at the paper's HalfCheetahVel size on wasm: 20 episodes x 200 steps with
 * pi_phi (4,000 samples), the lower level (50 Adam steps, Alg(1), lambda 0.5, smooth-clip), 20
 * post-update episodes and the implicit hypergradient(s). Prints the job's phase seconds per
 * task (`seconds.sampling`, `.lowerLevel`, `.hypergradient`) and a fingerprint of its numbers
 * (theta', each mode's hypergradient) so two builds can be compared number for number.
 *
 * Seconds are wall-clock (the job's own phase timers) and, for the whole job, CPU seconds of
 * the process (less disturbed by other jobs on a loaded machine).
 *
 * A/B in one process: every task's job runs twice, with `@bomrl/core`'s forward sharing off
 * ("before": every objective evaluation runs the policy network for each use, pi_phi's too)
 * and on ("after"), in alternating order (task k even: before first). Per task it prints both
 * runs' phase seconds and how far apart their numbers are: theta' (relative l2 difference),
 * and the hypergradients recomputed, sharing off and on, from the SAME inputs (the before
 * run's pre-update batch, theta' and post-update episodes), next to the float32 noise floor:
 * the unshared hypergradients at theta' with the last bit of every other entry changed. The jobs' own hypergradients are
 * not compared: the post-update episodes are sampled with theta', and MuJoCo trajectories
 * diverge from a 1e-7 change of the policy (also printed: the outer gradient from episodes
 * sampled with theta' and with theta' rounded differently in its last bit).
 *
 * Options: --tasks N (default 2: tasks 0..N-1 of the training split, after one untimed warm-up
 * job), --episodes N (20), --horizon N (200), --json.
 */
import { setForwardSharing } from '@bomrl/core';
import {
  implicitHypergradients,
  outerPolicyGradient,
  prepareTask,
  type SampledBomrlSettings,
} from '@bomrl/meta-gradient';
import * as tf from '@tensorflow/tfjs-core';
import { runBomrlTask } from '../src/methods/bomrl-task';
import { integerOption } from './bench-option';
import { halfCheetahTask } from './half-cheetah-task';

const tasks = integerOption('tasks', 2);
const episodes = integerOption('episodes', 20);
const horizon = integerOption('horizon', 200);

const { config, ctx, setup, settings } = await halfCheetahTask('bench-task', episodes, horizon);
const phi = Float64Array.from(ctx.policy.init(config.seed).dataSync());
const shared = { phi, seed: 11, settings, episodesPerTask: episodes };
type Output = Awaited<ReturnType<typeof runBomrlTask>>;
const run = async (index: number, sharing: boolean) => {
  setForwardSharing(sharing);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const out = await runBomrlTask(ctx, shared, { task: setup.train[index], index });
  const cpu = process.cpuUsage(cpu0);
  return {
    out,
    seconds: (performance.now() - t0) / 1000,
    // CPU seconds of this process: less disturbed than wall time by other jobs on the machine
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
};

const relDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    d += (a[i]! - b[i]!) ** 2;
    n += b[i]! ** 2;
  }
  return Number(Math.sqrt(d / n).toExponential(2));
};

/** Both modes' hypergradients from one job's recorded inputs, with sharing `on` or off. */
function hypergradients(
  out: Output,
  on: boolean,
  s: SampledBomrlSettings,
  thetaValues: Float32Array = out.theta,
) {
  setForwardSharing(on);
  const phiT = tf.tensor1d(Float32Array.from(phi));
  const theta = tf.tensor1d(thetaValues);
  const prepared = prepareTask(ctx.policy, phiT, out.pre, s, ['full', 'ignore-data']);
  const g = outerPolicyGradient(ctx.policy, theta, out.post, s.gamma, s.gaeLambda ?? 1);
  try {
    return implicitHypergradients(ctx.policy, phiT, theta, g, prepared, s, ['full', 'ignore-data'])
      .gradients;
  } finally {
    tf.dispose([phiT, theta, g]);
    prepared.data.dispose();
  }
}

/** theta' with the last bit of every other entry changed (a float32 rounding difference). */
const nudged = (theta: Float32Array) =>
  Float32Array.from(theta, (x, i) => (i % 2 === 0 ? x * (1 + 2 ** -23) : x));

/** ||g(nudged theta') - g(theta')|| / ||g(theta')||, post episodes resampled. */
async function postSensitivity(out: Output, index: number) {
  const grads = [];
  for (const values of [out.theta, nudged(out.theta)]) {
    const theta = tf.tensor1d(values);
    const [post] = await ctx.sampler.sample([
      { task: setup.train[index], params: theta, episodes, seed: 12345 },
    ]);
    const g = outerPolicyGradient(ctx.policy, theta, post!, settings.gamma, 1);
    grads.push(g.dataSync().slice());
    tf.dispose([theta, g]);
  }
  return relDiff(grads[1]!, grads[0]!);
}

await run(0, true); // warm-up: wasm kernels, MuJoCo model, first allocations
const rows = [];
for (let k = 0; k < tasks; k++) {
  const order = k % 2 === 0 ? [false, true] : [true, false];
  const runs: Partial<
    Record<'before' | 'after', { out: Output; seconds: number; cpuSeconds: number }>
  > = {};
  for (const sharing of order) runs[sharing ? 'after' : 'before'] = await run(k, sharing);
  const before = runs.before!;
  const after = runs.after!;
  const off = hypergradients(before.out, false, settings);
  const on = hypergradients(before.out, true, settings);
  // the float32 noise floor: the unshared computation at theta' rounded differently
  const floor = hypergradients(before.out, false, settings, nudged(before.out.theta));
  const phase = (r: { out: Output; seconds: number; cpuSeconds: number }) => ({
    total: Number(r.seconds.toFixed(2)),
    cpu: Number(r.cpuSeconds.toFixed(2)),
    sampling: Number(r.out.seconds.sampling.toFixed(2)),
    lowerLevel: Number(r.out.seconds.lowerLevel.toFixed(2)),
    hypergradient: Number(r.out.seconds.hypergradient.toFixed(2)),
  });
  rows.push({
    task: k,
    before: phase(before),
    after: phase(after),
    ratio: {
      lowerLevel: Number((before.out.seconds.lowerLevel / after.out.seconds.lowerLevel).toFixed(2)),
      hypergradient: Number(
        (before.out.seconds.hypergradient / after.out.seconds.hypergradient).toFixed(2),
      ),
      total: Number((before.seconds / after.seconds).toFixed(2)),
      cpu: Number((before.cpuSeconds / after.cpuSeconds).toFixed(2)),
    },
    // the before run is the computation as it was: compare with a build from before sharing
    thetaNormBefore: Math.hypot(...before.out.theta),
    relDiff: {
      theta: relDiff(after.out.theta, before.out.theta),
      sameInputsFull: relDiff(on.full!, off.full!),
      sameInputsIgnoreData: relDiff(on['ignore-data']!, off['ignore-data']!),
      lastBitOfThetaFull: relDiff(floor.full!, off.full!),
      lastBitOfThetaIgnoreData: relDiff(floor['ignore-data']!, off['ignore-data']!),
      outerGradientAfterLastBitChange: await postSensitivity(before.out, k),
    },
  });
}
setForwardSharing(true);
if (process.argv.includes('--json')) console.log(JSON.stringify({ episodes, horizon, rows }));
else for (const r of rows) console.log(JSON.stringify(r));
ctx.close();
