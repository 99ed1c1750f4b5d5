/**
 * `pnpm bench:distributed -- --payloads` (or `tsx packages/trainer/bench/payload-sizes.ts`):
 * what one meta-iteration sends through Redis at the paper's HalfCheetahVel settings (17-128-128-6
 * policy, phi of 19,596 numbers, 20 episodes x 200 steps per task and phase, 10 tasks), measured
 * by running the real jobs of one iteration of BO-MRL and of MAML-TRPO in process and encoding
 * every shared value, job input and job output exactly as the Redis executor does (v8, inputs as
 * base64 in the job data). It runs 2 of the 10 tasks (`--tasks N` to change) and 2 lower-level
 * solver steps: per-task sizes do not depend on either, and the totals are scaled to 10 tasks.
 * The TRPO meta-step runs too: MAML-TRPO's Fisher-vector products ('kl-fisher', one call per
 * product) and line-search evaluations ('maml-candidate') are jobs; calls of one kind are
 * listed once with their count and per-call sizes.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '@bomrl/core';
import { loadConfigFile } from '../src/config/load';
import type { JobOutput, JobShared, TaskExecutor } from '../src/executor/executor';
import { encode } from '../src/executor/redis-payload';
import { iterationSeed, pickTasks } from '../src/loop/seeds';
import { trustRegionStep } from '../src/optim/trust-region-step';
import { createRunSetup } from '../src/setup/index';

const configs = fileURLToPath(new URL('../../../examples/locomotion/configs/', import.meta.url));
const i = process.argv.indexOf('--tasks');
const tasksRun = i < 0 ? 2 : Number(process.argv[i + 1]);
const TASKS = 10;

interface CallSizes {
  kind: string;
  shared: number;
  inputs: number[];
  outputs: number[];
}

async function measure(
  file: string,
  sets: readonly string[],
): Promise<{ phi: number; calls: CallSizes[] }> {
  const config = loadConfigFile(path.join(configs, file), [
    `meta.tasksPerBatch=${tasksRun}`,
    'executor.workers=0',
    'backend="cpu"',
    ...sets,
  ]);
  await selectBackend('cpu');
  const setup = await createRunSetup(config);
  const calls: CallSizes[] = [];
  let candidate: CallSizes | undefined;
  const executor = setup.executor as TaskExecutor & { run: TaskExecutor['run'] };
  const run = executor.run.bind(executor);
  // records what the Redis executor would encode: the same values, the same encoding
  executor.run = (async (kind, shared, inputs) => {
    const outputs = await run(kind, shared, inputs);
    const base64 = (x: unknown) => Buffer.byteLength(encode(x).toString('base64'));
    calls.push({
      kind,
      shared: encode(shared).length,
      inputs: inputs.map(base64),
      outputs: outputs.map((x) => encode(x).length),
    });
    if (kind === 'bomrl-task') {
      // what each candidate the TRPO line search tries sends (bomrl-trust-region.ts builds it
      // from these outputs): built here too, in case this iteration's search tried none
      const s = shared as JobShared<'bomrl-task'>;
      const o = outputs as JobOutput<'bomrl-task'>[];
      candidate = {
        kind: 'bomrl-candidate (each candidate tried)',
        // a distinct candidate array: v8 encodes a second reference to phi as a back-reference
        shared: encode({ phi: s.phi, candidate: Float64Array.from(s.phi), settings: s.settings })
          .length,
        inputs: o.map((t) => base64({ pre: t.pre, post: t.post, theta: t.theta })),
        outputs: [encode(0.125).length],
      };
    }
    return outputs;
  }) as TaskExecutor['run'];
  try {
    const phi = setup.method.initialParams(config.seed);
    const tasks = pickTasks(
      setup.tasks.train,
      config.meta.tasksPerBatch,
      iterationSeed(config.seed, 0, 'tasks'),
    );
    const step = await setup.method.step({
      phi,
      tasks,
      iteration: 0,
      seed: iterationSeed(config.seed, 0, 'method'),
    });
    const tr = step.trustRegion;
    if (tr) {
      try {
        await trustRegionStep(phi, step.gradient, tr.fisherVector, tr.evaluate, config.meta);
      } finally {
        tr.dispose();
      }
    }
    const candidateCalls = calls.filter((c) => c.kind === 'bomrl-candidate').length;
    return { phi: phi.length, calls: candidate && !candidateCalls ? [...calls, candidate] : calls };
  } finally {
    await setup.dispose();
  }
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

// fewer lower-level solver steps: the sizes of what travels do not depend on them
for (const [label, file, sets] of [
  ['BO-MRL (TRPO meta-step)', 'half-cheetah-vel-bomrl.yaml', ['method.solver.maxSteps=2']],
  ['MAML-TRPO', 'half-cheetah-vel-maml-trpo.yaml', []],
] as const) {
  const { phi, calls } = await measure(file, sets);
  console.log(`\n${label}, HalfCheetahVel, phi ${phi} numbers, one meta-iteration:`);
  console.log('| call | shared (once per call, to each worker) | input per job | output per job |');
  console.log('|---|---:|---:|---:|');
  let perWorker = 0;
  let coordinator = 0;
  for (const kind of new Set(calls.map((c) => c.kind))) {
    const of = calls.filter((c) => c.kind === kind);
    const input = sum(of.flatMap((c) => c.inputs)) / sum(of.map((c) => c.inputs.length));
    const output = sum(of.flatMap((c) => c.outputs)) / sum(of.map((c) => c.outputs.length));
    const shared = sum(of.map((c) => c.shared)) / of.length;
    const label = of.length > 1 ? `${kind} (x${of.length} calls; per call)` : kind;
    console.log(`| ${label} | ${mb(shared)} | ${mb(input)} | ${mb(output)} |`);
    perWorker += shared * of.length;
    coordinator += of.length * (shared + TASKS * (input + output));
  }
  console.log(
    `coordinator <-> Redis: ${mb(coordinator)} per iteration (${TASKS} tasks); each worker additionally downloads ${mb(perWorker)} of shared values per iteration (the worker side of the job traffic is the same ${mb(coordinator - perWorker)}, split among the workers)`,
  );
}
