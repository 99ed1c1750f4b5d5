#!/usr/bin/env node
/**
 * Meta-trains one config into a run directory with @bomrl/trainer's train() (one process per
 * run, so `pnpm demo` trains two methods at once on two cores).
 * Usage: node src/train-one.mjs <config.yaml> <out-dir> [key=value ...]
 */
import { loadConfigFile } from '@bomrl/trainer';
import { metaTrain } from './lib/train.mjs';

const [file, out, ...overrides] = process.argv.slice(2);
if (!file || !out) {
  console.error('usage: node src/train-one.mjs <config.yaml> <out-dir> [key=value ...]');
  process.exit(2);
}
const config = loadConfigFile(file, overrides);
const t0 = performance.now();
const result = await metaTrain(config, out, {
  log: (line) => console.log(`[${config.name}] ${line.trim()}`),
});
const seconds = (performance.now() - t0) / 1000;
console.log(
  `[${config.name}] done: ${result.method}, ${config.meta.iterations} iterations in ${seconds.toFixed(1)} s (${result.pipeline})`,
);
process.stdout.write(
  `${JSON.stringify({ done: true, name: config.name, method: result.method, seconds, pipeline: result.pipeline })}\n`,
);
