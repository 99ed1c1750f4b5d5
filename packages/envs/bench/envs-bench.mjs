// `pnpm bench:envs`: single-threaded env steps per second of each MuJoCo family on the official
// WebAssembly build, side by side with the native MuJoCo C library (Debian's libmujoco-dev 2.2.2)
// stepping the same MJCF files (assets/mujoco/*.xml) with the same frame skip, random controls and
// resets; prints the ratio WebAssembly / native per family, and the WebAssembly heap before and
// after many episodes (it must not grow). Runs the built package (dist/), as a consumer would.
//
// Environment variables: BENCH_SECONDS (per measurement, default 3), BENCH_EPISODES (heap check,
// default 10000), BENCH_JSON=path (also write the results as JSON).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const pkg = join(here, '..');
const { AntDir, AntVel, FRAME_SKIP, HalfCheetahDir, HalfCheetahVel, loadMuJoCo } = await import(
  new URL('../dist/mujoco.js', import.meta.url).href
);

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const EPISODES = Number(process.env.BENCH_EPISODES ?? 10000);
const HORIZON = 200;

const families = [
  { name: 'HalfCheetahVel', Env: HalfCheetahVel, task: { velocity: 1 }, model: 'half_cheetah' },
  { name: 'HalfCheetahDir', Env: HalfCheetahDir, task: { direction: 1 }, model: 'half_cheetah' },
  { name: 'AntVel', Env: AntVel, task: { velocity: 1 }, model: 'ant' },
  { name: 'AntDir', Env: AntDir, task: { direction: 1 }, model: 'ant' },
];

/** xorshift for actions: cheap, so the timing is MuJoCo's and ours, not the generator's. */
let s = 88172645463325252n;
const actionsPool = new Float32Array(1 << 16);
for (let i = 0; i < actionsPool.length; i++) {
  s ^= (s << 13n) & 0xffffffffffffffffn;
  s ^= s >> 7n;
  s ^= (s << 17n) & 0xffffffffffffffffn;
  actionsPool[i] = (Number(s >> 11n) / 2 ** 53) * 2 - 1;
}

/** Env steps per second of the allocation-free path (what a vectorized sampler uses). */
function measureWasm(Env, task, mujoco) {
  const env = new Env(mujoco, task, { horizon: HORIZON, seed: 1 });
  const obs = new Float32Array(env.flatObsSize);
  const out = { reward: 0, terminated: false, truncated: false };
  const nu = env.flatActionSize;
  let k = 0;
  const run = (steps) => {
    for (let t = 0; t < steps; t++) {
      env.stepFlat(actionsPool, k, obs, 0, out);
      k = (k + nu) % (actionsPool.length - nu);
      if (out.terminated || out.truncated) env.resetFlat(undefined, obs, 0);
    }
  };
  env.resetFlat(undefined, obs, 0);
  run(500); // warm-up: let the JIT settle
  let steps = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) {
    run(200);
    steps += 200;
  }
  const seconds = (performance.now() - start) / 1000;
  // The Gymnasium-style `step` (allocates obs and info per call), for comparison.
  env.reset();
  const a = new Float32Array(nu);
  let stepSteps = 0;
  const start2 = performance.now();
  while (performance.now() - start2 < (SECONDS * 1000) / 3) {
    for (let i = 0; i < 100; i++) {
      a.set(actionsPool.subarray(k, k + nu));
      k = (k + nu) % (actionsPool.length - nu);
      const r = env.step(a);
      if (r.terminated || r.truncated) env.reset();
    }
    stepSteps += 100;
  }
  const stepSeconds = (performance.now() - start2) / 1000;
  env.close();
  return { envStepsPerSecond: steps / seconds, stepApiStepsPerSecond: stepSteps / stepSeconds };
}

/** Builds the C driver; returns its path or null (with the reason printed). */
function buildNative(dir) {
  const exe = join(dir, 'step_native');
  try {
    execFileSync(
      'gcc',
      ['-O2', '-o', exe, join(here, 'native', 'step_native.c'), '-lmujoco', '-lm'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    return exe;
  } catch (error) {
    const reason = existsSync('/usr/include/mujoco/mujoco.h')
      ? `gcc failed: ${String(error.stderr ?? error.message).trim()}`
      : 'the native MuJoCo library is not installed';
    console.log(`\nNative MuJoCo: ${reason}.`);
    console.log(
      '  Install it (Debian/Ubuntu, as root):  apt-get update && apt-get install -y libmujoco-dev gcc',
    );
    console.log('  Reporting WebAssembly alone.\n');
    return null;
  }
}

function measureNative(exe, model, steps) {
  const xml = join(pkg, 'assets', 'mujoco', `${model}.xml`);
  const out = execFileSync(exe, [xml, String(steps), String(FRAME_SKIP), String(HORIZON), '1'], {
    encoding: 'utf8',
  });
  return JSON.parse(out.trim());
}

/** Heap bytes before and after `episodes` short episodes, recreating the env every 100. */
function measureHeap(mujoco, episodes) {
  const zero = new Float32Array(6);
  const obs = new Float32Array(17);
  const out = { reward: 0, terminated: false, truncated: false };
  let env = new HalfCheetahVel(mujoco, { velocity: 1 }, { horizon: 10 });
  // One full warm-up cycle so the allocator has reached its working size.
  env.resetFlat(0, obs, 0);
  env.close();
  env = new HalfCheetahVel(mujoco, { velocity: 1 }, { horizon: 10 });
  const before = env.wasmHeapBytes();
  const start = performance.now();
  for (let e = 0; e < episodes; e++) {
    if (e > 0 && e % 100 === 0) {
      env.close();
      env = new HalfCheetahVel(mujoco, { velocity: 1 }, { horizon: 10 });
    }
    env.resetFlat(e, obs, 0);
    do env.stepFlat(zero, 0, obs, 0, out);
    while (!out.truncated && !out.terminated);
  }
  const after = env.wasmHeapBytes();
  env.close();
  return { episodes, before, after, seconds: (performance.now() - start) / 1000 };
}

const mujoco = await loadMuJoCo();
console.log(
  `MuJoCo locomotion benchmark: Node ${process.version}, single thread, frame skip ${FRAME_SKIP}, ` +
    `horizon ${HORIZON}, random actions U[-1, 1], ~${SECONDS}s per measurement\n`,
);

const tmp = mkdtempSync(join(tmpdir(), 'bomrl-bench-'));
const native = buildNative(tmp);
const nativeByModel = {};
const rows = [];
for (const f of families) {
  const wasm = measureWasm(f.Env, f.task, mujoco);
  let nat = null;
  if (native) {
    if (!nativeByModel[f.model]) {
      // Size the native run to take about SECONDS, from a short calibration run.
      const probe = measureNative(native, f.model, 2000);
      const steps = Math.max(2000, Math.round(probe.envStepsPerSecond * SECONDS));
      nativeByModel[f.model] = measureNative(native, f.model, steps);
    }
    nat = nativeByModel[f.model];
  }
  rows.push({
    family: f.name,
    model: `${f.model}.xml`,
    wasmEnvStepsPerSecond: wasm.envStepsPerSecond,
    wasmStepApiStepsPerSecond: wasm.stepApiStepsPerSecond,
    wasmUsPerPhysicsStep: 1e6 / (wasm.envStepsPerSecond * FRAME_SKIP),
    nativeVersion: nat?.version ?? null,
    nativeEnvStepsPerSecond: nat?.envStepsPerSecond ?? null,
    nativeUsPerPhysicsStep: nat?.usPerPhysicsStep ?? null,
    ratio: nat ? wasm.envStepsPerSecond / nat.envStepsPerSecond : null,
  });
}
rmSync(tmp, { recursive: true, force: true });

const pad = (v, n) => String(v).padStart(n);
const f0 = (v) => (v == null ? '-' : Math.round(v).toLocaleString('en-US'));
const f1 = (v) => (v == null ? '-' : v.toFixed(1));
console.log(
  `${'family'.padEnd(15)}${pad('wasm steps/s', 14)}${pad('(step API)', 12)}${pad('wasm us/phys', 14)}` +
    `${pad('native steps/s', 16)}${pad('native us/phys', 16)}${pad('wasm/native', 13)}`,
);
for (const r of rows) {
  console.log(
    `${r.family.padEnd(15)}${pad(f0(r.wasmEnvStepsPerSecond), 14)}${pad(f0(r.wasmStepApiStepsPerSecond), 12)}` +
      `${pad(f1(r.wasmUsPerPhysicsStep), 14)}${pad(f0(r.nativeEnvStepsPerSecond), 16)}` +
      `${pad(f1(r.nativeUsPerPhysicsStep), 16)}${pad(r.ratio == null ? '-' : r.ratio.toFixed(2), 13)}`,
  );
}
console.log(
  `\nsteps/s = env steps (${FRAME_SKIP} physics steps each) per second; wasm = @mujoco/mujoco ` +
    `(stepFlat, allocation-free; "step API" = Gymnasium-style step); native = libmujoco ` +
    `${rows[0]?.nativeVersion ?? '(not available)'} via bench/native/step_native.c (gcc -O2).`,
);
const cheetah = rows.find((r) => r.family === 'HalfCheetahVel');
if (cheetah?.ratio != null) {
  console.log(
    `Target HalfCheetah wasm/native >= 0.40: ${cheetah.ratio >= 0.4 ? 'met' : 'NOT met'} (${cheetah.ratio.toFixed(2)}).`,
  );
}

const heap = measureHeap(mujoco, EPISODES);
console.log(
  `\nWebAssembly heap over ${heap.episodes.toLocaleString('en-US')} HalfCheetahVel episodes (10 steps each, ` +
    `env recreated every 100): ${heap.before.toLocaleString('en-US')} -> ${heap.after.toLocaleString('en-US')} bytes ` +
    `(${heap.after === heap.before ? 'no growth' : `GREW by ${(heap.after - heap.before).toLocaleString('en-US')}`}), ` +
    `${heap.seconds.toFixed(1)} s.`,
);

if (process.env.BENCH_JSON) {
  writeFileSync(
    process.env.BENCH_JSON,
    `${JSON.stringify({ node: process.version, rows, heap }, null, 2)}\n`,
  );
}
if (heap.after !== heap.before) process.exitCode = 1;
