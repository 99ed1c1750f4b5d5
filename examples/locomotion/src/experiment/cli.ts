/**
 * `pnpm experiment:locomotion`: the locomotion suite (families x methods x seeds at a named
 * scale). Started again after a kill, it resumes every unfinished run from its checkpoint and
 * skips the finished ones; at the end it writes results.json, report.md, the plots and the root
 * README's locomotion table.
 *
 * Usage: tsx src/experiment/cli.ts [--families a,b] [--methods a,b] [--seeds N]
 *   [--scale paper|reduced|smoke] [--out results/locomotion] [--runs runs/locomotion/<scale>]
 *   [--no-readme]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeJsonAtomic } from '@bomrl/trainer';
import { collectResults } from './collect';
import { writeReport } from './report';
import { isComplete, runOne } from './run-one';
import { FAMILIES, METHODS, parseList, planRuns, REPO_ROOT, SCALES } from './suite-plan';

const HALF_CHEETAH = FAMILIES.filter((f) => f.startsWith('half-cheetah')).join(',');

const { values: args } = parseArgs({
  options: {
    families: { type: 'string', default: HALF_CHEETAH },
    methods: { type: 'string', default: Object.keys(METHODS).join(',') },
    seeds: { type: 'string', default: '3' },
    scale: { type: 'string', default: 'reduced' },
    out: { type: 'string' },
    runs: { type: 'string' },
    'no-readme': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(
    [
      'pnpm experiment:locomotion [options]',
      `  --families  comma list of ${FAMILIES} (default ${HALF_CHEETAH})`,
      `  --methods   comma list of ${Object.keys(METHODS)} (default all)`,
      '  --seeds     training seeds per family x method (default 3: seeds 0..2)',
      `  --scale     ${Object.keys(SCALES)} (default reduced)`,
      '  --out       results directory (default results/locomotion; smoke: runs/locomotion/smoke/results)',
      '  --runs      checkpoints and run directories (default runs/locomotion/<scale>, gitignored)',
      "  --no-readme do not update the root README's locomotion table (never updated at smoke scale)",
    ].join('\n'),
  );
  process.exit(0);
}

const seeds = Number(args.seeds);
if (!Number.isInteger(seeds) || seeds < 1)
  throw new Error(`--seeds: want a positive integer, got '${args.seeds}'`);
const scale = args.scale;
if (!SCALES[scale])
  throw new Error(`--scale: unknown '${scale}'; use one of ${Object.keys(SCALES)}`);
// smoke numbers are not results: they stay out of results/ and out of the README
const smoke = scale === 'smoke';
const out = path.resolve(
  args.out ?? path.join(REPO_ROOT, smoke ? 'runs/locomotion/smoke/results' : 'results/locomotion'),
);
const plan = planRuns({
  families: parseList('families', args.families, FAMILIES),
  methods: parseList('methods', args.methods, Object.keys(METHODS)),
  seeds,
  scale,
  out,
  runs: path.resolve(args.runs ?? path.join(REPO_ROOT, 'runs/locomotion', scale)),
});

// Refuse to mix scales in one results directory before doing any work.
const existing = collectResults(out).scale;
if (existing && existing.name !== scale) {
  throw new Error(
    `${out} holds '${existing.name}' runs; pass another --out for scale '${scale}' (results of two scales are never pooled)`,
  );
}
const todo = plan.filter((r) => !isComplete(r));
console.log(
  `locomotion suite, scale '${scale}': ${plan.length} runs, ${plan.length - todo.length} already finished`,
);
for (const [i, run] of todo.entries()) {
  console.log(`run ${i + 1}/${todo.length}: ${run.family} ${run.method} seed ${run.seed}`);
  const { results, seconds } = await runOne(run, { scale, log: console.log });
  const rounds = results.rounds.map((r) => r.return.mean.toFixed(2)).join(' / ');
  console.log(`  done in ${seconds.toFixed(1)} s; held-out return after 0..3 rounds: ${rounds}`);
}
const results = collectResults(out);
writeJsonAtomic(path.join(out, 'results.json'), results);
const written = writeReport(
  results,
  out,
  args['no-readme'] || smoke ? undefined : path.join(REPO_ROOT, 'README.md'),
);
console.log(
  `wrote ${path.join(out, 'results.json')}, ${written.report} and ${written.plots.length} plots`,
);
