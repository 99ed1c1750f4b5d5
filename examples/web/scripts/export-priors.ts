/**
 * Exports the Frozen Lake meta-policies that `pnpm demo` trained (examples/frozen-lake,
 * configs/demo/*.yaml) into the small JSON file the web page ships:
 * src/frozen-lake/priors.json.
 *
 * Usage (from the repository root):
 *   pnpm demo                                        # trains BO-MRL Alg(1), Alg(2) and MAML
 *   pnpm --filter @bomrl-examples/web export-priors  # writes src/frozen-lake/priors.json
 *   pnpm exec tsx examples/web/scripts/export-priors.ts --runs DIR --out FILE
 *
 * Every number in the output comes from the run directories: each policy is the run's own
 * policy.json (a saved @bomrl/policies tabular-softmax policy), and the test-time adaptation
 * settings are read from the run's resolved config.json (method.testLambda, method.alpha). The
 * default map is the held-out map of the demo's task split (never seen in training) with the
 * most holes (the first of them on ties): the most to look at.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FrozenLake, type FrozenLakeTask, splitTasks, type Variance } from '@bomrl/envs';

/** The parts of a run's resolved config.json this script reads. */
interface RunConfig {
  readonly env: {
    readonly variance: Variance;
    readonly size: number;
    readonly slip?: number;
    readonly gamma: number;
    readonly horizon: number;
    readonly tasks: {
      readonly count: number;
      readonly seed: number;
      readonly trainFraction: number;
    };
  };
  readonly method: {
    readonly kind: string;
    readonly alg?: string;
    readonly delta?: number;
    readonly lambda?: number;
    readonly testLambda?: number;
    readonly alpha?: number;
  };
}

/** How the page adapts a prior at test time. */
type Adaptation =
  | {
      readonly kind: 'bomrl';
      readonly distance: string | undefined;
      readonly lambda: number | undefined;
    }
  | { readonly kind: 'maml'; readonly alpha: number | undefined };

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: path.join(repoRoot, 'runs', 'demo') },
    out: { type: 'string', default: path.join(here, '..', 'src', 'frozen-lake', 'priors.json') },
  },
});

const readJson = <T>(file: string): T => {
  if (!fs.existsSync(file)) {
    throw new Error(`export-priors: ${file} is missing; run \`pnpm demo\` first (or pass --runs)`);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
};

/** The run's config and policy, with the adaptation it is meta-tested with. */
function prior(id: string, label: string) {
  const dir = path.join(path.resolve(args.runs), id);
  const config = readJson<RunConfig>(path.join(dir, 'config.json'));
  // the saved policy is shipped as is: its shape is @bomrl/policies' concern
  const policy = readJson<unknown>(path.join(dir, 'policy.json'));
  const m = config.method;
  let adaptation: Adaptation;
  if (m.kind === 'bomrl' && !m.delta) {
    adaptation = { kind: 'bomrl', distance: m.alg, lambda: m.testLambda ?? m.lambda };
  } else if (m.kind === 'maml') {
    adaptation = { kind: 'maml', alpha: m.alpha };
  } else {
    throw new Error(`export-priors: ${id} uses method ${JSON.stringify(m)}; not shown by the page`);
  }
  return { config, entry: { label, run: `runs/demo/${id}`, adaptation, policy } };
}

const alg1 = prior('bomrl-alg1', 'BO-MRL Alg(1), forward KL');
const alg2 = prior('bomrl-alg2', 'BO-MRL Alg(2), reverse KL');
const maml = prior('maml', 'MAML, one policy-gradient step');

const env = alg1.config.env;
for (const other of [alg2, maml]) {
  if (JSON.stringify(other.config.env) !== JSON.stringify(env)) {
    throw new Error('export-priors: the three runs must share one env config (the demo does)');
  }
}
const family = FrozenLake.family({
  variance: env.variance,
  size: env.size,
  slip: env.slip,
  gamma: env.gamma,
  horizon: env.horizon,
});
const all = family.sampleTasks(env.tasks.count, env.tasks.seed);
const [, heldOut] = splitTasks(all, env.tasks.trainFraction, env.tasks.seed);

const holes = (task: FrozenLakeTask) => task.map.join('').split('H').length - 1;

const document = {
  format: 'bomrl-web-frozen-lake-priors',
  version: 1,
  source:
    'pnpm demo (examples/frozen-lake, configs/demo), exported by examples/web/scripts/export-priors.ts',
  env: {
    variance: env.variance,
    size: env.size,
    slip: env.slip ?? 0,
    gamma: env.gamma,
    horizon: env.horizon,
  },
  defaultMap: heldOut.reduce((best, task) => (holes(task) > holes(best) ? task : best)).map,
  priors: { 'bomrl-alg1': alg1.entry, 'bomrl-alg2': alg2.entry, maml: maml.entry },
};
fs.mkdirSync(path.dirname(path.resolve(args.out)), { recursive: true });
fs.writeFileSync(path.resolve(args.out), `${JSON.stringify(document, null, 2)}\n`);
// the repository's formatter, so that `pnpm lint` accepts the file as written
execFileSync(path.join(repoRoot, 'node_modules', '.bin', 'biome'), ['format', '--write', args.out]);
console.log(`wrote ${path.relative(process.cwd(), path.resolve(args.out))}`);
