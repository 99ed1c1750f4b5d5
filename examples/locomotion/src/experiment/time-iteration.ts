/**
 * Measures what one run of the suite costs at a scale, for the README's time estimates: the
 * wall-clock seconds of each of the first `--iterations` meta-iterations of each method (one
 * seed, HalfCheetahVel by default) and of meta-testing one held-out task with 3 adaptation
 * rounds, in CPU seconds and wall-clock seconds (the first iteration includes loading MuJoCo
 * and the backend). Writes nothing outside a temporary directory. Wall-clock numbers depend on the machine
 * and its load: print the load average beside them.
 * Usage: tsx src/experiment/time-iteration.ts [--scale reduced] [--family half-cheetah-vel]
 *   [--methods a,b] [--iterations 1]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfigFile, metaTest, train } from '@bomrl/trainer';
import { FAMILIES, META_TEST_ROUNDS, METHODS, parseList, planRuns, SCALES } from './suite-plan';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: 'reduced' },
    family: { type: 'string', default: 'half-cheetah-vel' },
    methods: { type: 'string', default: Object.keys(METHODS).join(',') },
    iterations: { type: 'string', default: '1' },
  },
});
const iterations = Number(args.iterations);
if (!Number.isInteger(iterations) || iterations < 1)
  throw new Error('--iterations: want a positive integer');
const scale = SCALES[args.scale];
if (!scale) throw new Error(`--scale: unknown '${args.scale}'; use one of ${Object.keys(SCALES)}`);
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
/** Seconds of wall-clock time and of CPU time (user + system). */
interface Clock {
  readonly wall: number;
  readonly cpu: number;
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bomrl-locomotion-timing-'));
const plan = planRuns({
  families: parseList('family', args.family, FAMILIES),
  methods: parseList('methods', args.methods, Object.keys(METHODS)),
  seeds: 1,
  scale: args.scale,
  out: path.join(tmp, 'results'),
  runs: path.join(tmp, 'runs'),
});
console.log(
  `scale '${args.scale}' (${JSON.stringify(scale)}); load average ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} on ${os.cpus().length} cores`,
);
for (const run of plan) {
  const config = loadConfigFile(run.configFile, [
    ...run.overrides,
    `meta.iterations=${iterations}`,
  ]);
  // CPU seconds (user + system) of this single-threaded process approximate the wall-clock time
  // on an unloaded core; wall-clock seconds include waiting for the CPU on a busy machine.
  const clock = () => ({ wall: performance.now() / 1000, cpu: cpuSeconds() });
  let t = clock();
  const spent: Clock[] = [];
  await train(config, {
    out: run.runDir,
    onProgress: () => {
      const now = clock();
      spent.push({ wall: now.wall - t.wall, cpu: now.cpu - t.cpu });
      t = now;
    },
  });
  const t0 = clock();
  await metaTest(run.runDir, {
    rounds: META_TEST_ROUNDS,
    tasks: 1,
    episodes: scale.episodes,
  });
  const t1 = clock();
  const show = (s: Clock) => `${s.cpu.toFixed(1)} CPU s (${s.wall.toFixed(1)} wall s)`;
  console.log(
    `${run.method}: per meta-iteration ${spent.map(show).join(', ')}; meta-test of 1 held-out task (0..3 rounds) ${show({ cpu: t1.cpu - t0.cpu, wall: t1.wall - t0.wall })}; load average now ${os.loadavg()[0]?.toFixed(1)}`,
  );
}
fs.rmSync(tmp, { recursive: true, force: true });
