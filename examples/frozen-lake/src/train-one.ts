/**
 * Meta-trains one config into a run directory with @bomrl/trainer's train() (one process per
 * run, so `pnpm demo` trains two methods at once on two cores). The last stdout line is the
 * {@link TrainingSummary} as JSON.
 * Usage: tsx src/train-one.ts <config.yaml> <out-dir> [key=value ...]
 */
import { loadConfigFile } from '@bomrl/trainer';
import { metaTrain } from './lib/train';

const [file, out, ...overrides] = process.argv.slice(2);
if (!file || !out) {
  console.error('usage: tsx src/train-one.ts <config.yaml> <out-dir> [key=value ...]');
  process.exit(2);
}
const config = loadConfigFile(file, overrides);
const summary = await metaTrain(config, out, {
  log: (line) => console.log(`[${config.name}] ${line.trim()}`),
});
console.log(
  `[${config.name}] done: ${summary.method}, ${config.meta.iterations} iterations in ${summary.seconds.toFixed(1)} s (${summary.pipeline})`,
);
process.stdout.write(`${JSON.stringify(summary)}\n`);
