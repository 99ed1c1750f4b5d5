/**
 * `pnpm --filter @bomrl-examples/locomotion config-costs`: trains every shipped config for one
 * meta-iteration at its stated size (the config as written, only `meta.iterations=1`) with the
 * `bomrl` CLI in a child process, and records wall-clock seconds, CPU seconds (all threads) and
 * peak RSS of that process, with the machine's load average before and after. Writes
 * `config-costs.json` and the README's table between its markers.
 * Usage: tsx src/costs/config-costs.ts [--only substring] [--no-readme] [--readme-only]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { codeVersion } from '../experiment/run-one';
import { type ConfigCost, costsSection, readCosts, replaceCostsSection } from './cost-table';

const here = path.dirname(new URL(import.meta.url).pathname);
const exampleDir = path.resolve(here, '../..');
const cli = path.resolve(exampleDir, '../../packages/trainer/dist/cli.js');
const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    'no-readme': { type: 'boolean', default: false },
    // rewrite the README table from config-costs.json without measuring anything
    'readme-only': { type: 'boolean', default: false },
  },
});
if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run pnpm build first`);
const configs = fs
  .readdirSync(path.join(exampleDir, 'configs'))
  .filter((f) => f.endsWith('.yaml') && (!args.only || f.includes(args.only)))
  .sort();
const costsFile = path.join(exampleDir, 'config-costs.json');
const costs = new Map(readCosts(costsFile).map((c) => [c.config, c]));
for (const file of args['readme-only'] ? [] : configs) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bomrl-config-cost-'));
  const usage = path.join(tmp, 'usage.json');
  const load = os.loadavg()[0]!;
  const t0 = performance.now();
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      path.join(here, 'measure-hook.mjs'),
      cli,
      'train',
      path.join(exampleDir, 'configs', file),
      '--out',
      path.join(tmp, 'run'),
      '--set',
      'meta.iterations=1',
    ],
    {
      env: { ...process.env, BOMRL_RESOURCE_FILE: usage },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const wallSeconds = (performance.now() - t0) / 1000;
  if (child.status !== 0) throw new Error(`${file}: bomrl train exited with ${child.status}`);
  const u = JSON.parse(fs.readFileSync(usage, 'utf8')) as { maxRssMB: number; cpuSeconds: number };
  const cost: ConfigCost = {
    config: file,
    wallSeconds: Number(wallSeconds.toFixed(1)),
    cpuSeconds: Number(u.cpuSeconds.toFixed(1)),
    peakRssMB: Math.round(u.maxRssMB),
    loadBefore: Number(load.toFixed(1)),
    loadAfter: Number(os.loadavg()[0]!.toFixed(1)),
    cores: os.cpus().length,
    measuredAt: new Date().toISOString(),
    code: codeVersion(),
  };
  costs.set(file, cost);
  console.log(JSON.stringify(cost));
  fs.rmSync(tmp, { recursive: true, force: true });
  // written after every config, so an interrupted sweep keeps what it measured
  fs.writeFileSync(costsFile, `${JSON.stringify([...costs.values()], null, 2)}\n`);
}
if (!args['no-readme'] || args['readme-only']) {
  const readme = path.join(exampleDir, 'README.md');
  const all = readCosts(costsFile);
  fs.writeFileSync(readme, replaceCostsSection(fs.readFileSync(readme, 'utf8'), costsSection(all)));
}
