/**
 * Locomotion (HalfCheetahVel/Dir, AntVel/Dir): BO-MRL and MAML-TRPO with the paper's settings
 * (configs/). `pnpm start` runs the SMOKE version (1 meta-iteration, tiny sizes) of every
 * config; `--full` runs the configs as written (500 meta-iterations: hours per run).
 * Usage: tsx src/run.ts [--full] [--out dir] [--set key=value ...] [configs...]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isAvailable, loadLocomotionConfig, runConfig, SMOKE } from './run-config';

const here = path.dirname(fileURLToPath(import.meta.url));
const exampleDir = path.resolve(here, '..');
const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    full: { type: 'boolean', default: false },
    out: { type: 'string', default: path.resolve(exampleDir, '../../runs/locomotion') },
    set: { type: 'string', multiple: true, default: [] },
    rounds: { type: 'string', default: '3' },
  },
});
const files = positionals.length
  ? positionals
  : fs
      .readdirSync(path.join(exampleDir, 'configs'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => path.join(exampleDir, 'configs', f));
for (const file of files) {
  const config = loadLocomotionConfig(file, [...(args.full ? [] : SMOKE), ...args.set]);
  if (!isAvailable(config)) {
    console.log(
      `skip ${config.name}: '${config.method.kind}/${config.mode}' is not in this build of @bomrl/trainer`,
    );
    continue;
  }
  const r = await runConfig(config, path.join(args.out, config.name), {
    rounds: args.full ? Number(args.rounds) : 1,
    ...(args.full ? {} : { tasks: 1 }),
    log: console.log,
  });
  const last = r.results.rounds.at(-1);
  if (!last) throw new Error(`${config.name}: the meta-test returned no rounds`);
  console.log(
    `${config.name}: ${r.metrics.length} iteration(s) in ${r.seconds.toFixed(1)} s; held-out return after ${last.round} round(s) ${last.return.mean.toFixed(2)}${args.full ? '' : ' (SMOKE run: not a result)'}`,
  );
}
