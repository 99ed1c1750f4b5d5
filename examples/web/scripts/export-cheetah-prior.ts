/**
 * Exports the HalfCheetahVel meta-policy of a trainer run (configs/half-cheetah-vel.yaml) into the
 * small JSON file the page ships: src/half-cheetah/prior.json.
 *
 * Usage (from the repository root):
 *   pnpm --filter @bomrl-examples/web train-cheetah   # trains, then runs this script
 *   pnpm exec tsx examples/web/scripts/export-cheetah-prior.ts --run DIR --out FILE
 *
 * Every number in the output comes from the run directory: the policy is the run's policy.json,
 * the page's adaptation settings (lambda, Adam's lr and steps, episodes per batch) its resolved
 * config.json, the training time the sum of timings.jsonl's phase seconds (sampling, lower level,
 * hypergradient; the meta-step's line search is not timed there).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CheetahPriorDocument } from '../src/half-cheetah/prior';

/** The parts of a run's resolved config.json this script reads. */
interface RunConfig {
  readonly env: { readonly family: string; readonly gamma: number; readonly horizon: number };
  readonly method: {
    readonly kind: string;
    readonly alg?: string;
    readonly lambda?: number;
    readonly testLambda?: number;
    readonly solver?: { readonly kind: string; readonly lr?: number; readonly maxSteps?: number };
  };
  readonly meta: { readonly iterations: number };
  readonly sampler: { readonly episodesPerTask: number };
}

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const { values: args } = parseArgs({
  options: {
    run: { type: 'string', default: path.join(repoRoot, 'runs/web-half-cheetah-vel') },
    out: { type: 'string', default: path.join(here, '../src/half-cheetah/prior.json') },
  },
});
const run = path.resolve(args.run);
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(run, file), 'utf8'));
const config = read('config.json') as RunConfig;
const m = config.method;
if (config.env.family !== 'half-cheetah-vel' || m.kind !== 'bomrl' || m.alg !== 'forward-kl') {
  throw new Error(`${run}: expected a BO-MRL Alg(1) (forward-kl) run on half-cheetah-vel`);
}
if (m.solver?.kind !== 'adam' || m.solver.lr === undefined || m.solver.maxSteps === undefined) {
  throw new Error(`${run}: the page adapts with Adam; the run's method.solver must be adam`);
}
const lambda = m.testLambda ?? m.lambda;
if (lambda === undefined) throw new Error(`${run}: method.lambda is missing`);

let trainSeconds: number | null = null;
const timings = path.join(run, 'timings.jsonl');
if (fs.existsSync(timings)) {
  trainSeconds = 0;
  for (const line of fs.readFileSync(timings, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const t = JSON.parse(line) as Record<string, unknown>;
    for (const [key, value] of Object.entries(t)) {
      if (key.endsWith('Seconds') && typeof value === 'number') trainSeconds += value;
    }
  }
}

const doc: CheetahPriorDocument = {
  format: 'bomrl-web-half-cheetah-prior',
  version: 1,
  source: {
    config: 'configs/half-cheetah-vel.yaml',
    metaIterations: config.meta.iterations,
    trainSeconds: trainSeconds === null ? null : Math.round(trainSeconds),
  },
  env: { family: 'half-cheetah-vel', horizon: config.env.horizon, gamma: config.env.gamma },
  adaptation: {
    lambda,
    lr: m.solver.lr,
    maxSteps: m.solver.maxSteps,
    episodes: config.sampler.episodesPerTask,
  },
  policy: read('policy.json'),
};
fs.writeFileSync(args.out, `${JSON.stringify(doc)}\n`);
// the repository's formatter lays the file out (as `pnpm format` would)
execFileSync(path.join(repoRoot, 'node_modules', '.bin', 'biome'), ['format', '--write', args.out]);
const kb = (fs.statSync(args.out).size / 1024).toFixed(1);
console.log(`wrote ${path.relative(process.cwd(), args.out)} (${kb} KiB) from ${run}`);
