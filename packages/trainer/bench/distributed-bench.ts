/**
 * `pnpm bench:distributed`: throughput of one meta-training run in process (executor.workers 0)
 * and through Redis with 1 and 2 `bomrl worker` processes on this machine, with the scaling
 * ratio. The workload is sampled MAML on HalfCheetahVel (one 'maml-task' job per task, MuJoCo
 * physics and the policy gradient inside the job); the coordinator and the workers are the built
 * CLI (dist/cli.js), around a redis-server this script starts on a free loopback port.
 *
 * Time per iteration is measured between metrics rows after the first iteration (which
 * includes building the workers' contexts), so start-up is excluded.
 *
 * Options: --tasks N (4), --episodes N (10), --horizon N (100), --iterations N (4), --json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRedisServer } from '../distributed/redis-server';
import { start, tempDir, writeConfig } from '../reliability/harness';
import { integerOption } from './bench-option';

const tasks = integerOption('tasks', 4);
const episodes = integerOption('episodes', 10);
const horizon = integerOption('horizon', 100);
const iterations = Math.max(2, integerOption('iterations', 4));
const innerSteps = 1;
// every task samples `episodes` episodes before each inner step and after the last one
const stepsPerIteration = tasks * episodes * horizon * (innerSteps + 1);

const config = {
  name: 'bench-distributed',
  env: { family: 'half-cheetah-vel', horizon, tasks: { count: 40, seed: 7 } },
  policy: { kind: 'gaussian-mlp', hidden: [64, 64] },
  method: { kind: 'maml', alpha: 0.1, innerSteps },
  mode: 'sampled',
  meta: { optimizer: 'adam', lr: 0.01, iterations, tasksPerBatch: tasks },
  sampler: { episodesPerTask: episodes },
  metaTest: { rounds: 1 },
  backend: 'wasm',
  checkpointEvery: 1000,
  executor: { workers: 0 },
};

interface Result {
  readonly setup: string;
  readonly secondsPerIteration: number;
  readonly stepsPerSecond: number;
  readonly iterationsPerMinute: number;
}

async function measure(setup: string, args: string[]): Promise<Result> {
  const dir = tempDir('bench');
  const file = writeConfig(dir, 'bench.json', config);
  const out = path.join(dir, 'run');
  const metrics = path.join(out, 'metrics.jsonl');
  const p = start(['train', file, '--out', out, ...args]);
  const arrivals: number[] = [];
  const poll = setInterval(() => {
    const rows = fs.existsSync(metrics)
      ? fs.readFileSync(metrics, 'utf8').trim().split('\n').filter(Boolean).length
      : 0;
    while (arrivals.length < rows) arrivals.push(performance.now());
  }, 5);
  const r = await p.done;
  clearInterval(poll);
  if (r.code !== 0) throw new Error(`${setup}: train failed:\n${r.stderr}`);
  fs.rmSync(dir, { recursive: true, force: true });
  const timed = arrivals.length - 1;
  const seconds = (arrivals.at(-1)! - arrivals[0]!) / 1000 / timed;
  return {
    setup,
    secondsPerIteration: seconds,
    stepsPerSecond: stepsPerIteration / seconds,
    iterationsPerMinute: 60 / seconds,
  };
}

const redis = await startRedisServer();
const workers: ReturnType<typeof start>[] = [];
const results: Result[] = [];
try {
  results.push(await measure('in-process', []));
  for (const n of [1, 2]) {
    while (workers.length < n) {
      workers.push(start(['worker', '--redis', 'redis'], { BOMRL_REDIS_URL: redis.url }));
    }
    results.push(
      await measure(`${n} worker process${n > 1 ? 'es' : ''}`, ['--executor', redis.url]),
    );
  }
} finally {
  for (const w of workers) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.done));
  await redis.stop();
}

const one = results[1]!.stepsPerSecond;
const two = results[2]!.stepsPerSecond;
const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, load average ${os
  .loadavg()
  .map((x) => x.toFixed(2))
  .join(' ')}`;
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ machine, stepsPerIteration, results, scaling: two / one }, null, 2));
} else {
  console.log(`machine: ${machine}; node ${process.version}`);
  console.log(
    `workload: sampled MAML on HalfCheetahVel, ${tasks} tasks x ${episodes} episodes x ${horizon} steps x ${innerSteps + 1} phases = ${stepsPerIteration} env steps per iteration, 64-64 policy, wasm backend; ${iterations - 1} timed iterations`,
  );
  console.log('| setup | s / iteration | env steps / s | iterations / min |');
  console.log('|---|---:|---:|---:|');
  for (const r of results) {
    console.log(
      `| ${r.setup} | ${r.secondsPerIteration.toFixed(2)} | ${r.stepsPerSecond.toFixed(0)} | ${r.iterationsPerMinute.toFixed(2)} |`,
    );
  }
  console.log(
    `scaling: 2 workers / 1 worker = ${(two / one).toFixed(2)}x; 1 worker / in-process = ${(one / results[0]!.stepsPerSecond).toFixed(2)}x`,
  );
}
