/**
 * `pnpm experiment:locomotion:report`: regenerates report.md, the plots and the root README's
 * locomotion table from results.json alone (no training).
 * Usage: tsx src/experiment/report-cli.ts [--out results/locomotion] [--no-readme]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { LocomotionResults } from './collect';
import { writeReport } from './report';
import { REPO_ROOT } from './suite-plan';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: path.join(REPO_ROOT, 'results/locomotion') },
    'no-readme': { type: 'boolean', default: false },
  },
});
const out = path.resolve(args.out);
const file = path.join(out, 'results.json');
if (!fs.existsSync(file)) {
  console.error(`${file} does not exist: run \`pnpm experiment:locomotion\` first`);
  process.exit(1);
}
const results: LocomotionResults = JSON.parse(fs.readFileSync(file, 'utf8'));
const written = writeReport(
  results,
  out,
  args['no-readme'] ? undefined : path.join(REPO_ROOT, 'README.md'),
);
console.log(`wrote ${written.report} and ${written.plots.length} plots from ${file}`);
