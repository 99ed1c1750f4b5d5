/**
 * What the locomotion experiment runs: the families, the methods (each a config in configs/ plus
 * overrides), the named scales, and the plan of (family, method, seed) runs with their
 * directories. Pure data and path arithmetic; running is in run-one.mjs.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXAMPLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const REPO_ROOT = path.resolve(EXAMPLE_DIR, '../..');

/** The four locomotion families, in report order. */
export const FAMILIES = ['half-cheetah-vel', 'half-cheetah-dir', 'ant-vel', 'ant-dir'];

/** Display names of the families (the paper's). */
export const FAMILY_LABELS = {
  'half-cheetah-vel': 'HalfCheetahVel',
  'half-cheetah-dir': 'HalfCheetahDir',
  'ant-vel': 'AntVel',
  'ant-dir': 'AntDir',
};

/**
 * @typedef {object} MethodSpec
 * @property {string} label  how tables and plots name it
 * @property {string} config the configs/<family>-<config>.yaml it starts from
 * @property {string[]} overrides `key=value` overrides applied to that config
 * @property {boolean} [ablation] run only on the ablation family
 */

/**
 * The compared methods. BO-MRL's three distance metrics (Alg(1) forward KL, Alg(2) reverse KL,
 * Alg(3) squared Euclidean) all use the 'full' hypergradient and the configs' lambda 0.5;
 * 'ignore-data' (the authors' approximation) is the ablation.
 * @type {Record<string, MethodSpec>}
 */
export const METHODS = {
  'bomrl-alg1': {
    label: 'BO-MRL Alg(1)',
    config: 'bomrl',
    overrides: ['method.alg=forward-kl', 'method.hypergradient=full'],
  },
  'bomrl-alg2': {
    label: 'BO-MRL Alg(2)',
    config: 'bomrl',
    overrides: ['method.alg=reverse-kl', 'method.hypergradient=full'],
  },
  'bomrl-alg3': {
    label: 'BO-MRL Alg(3)',
    config: 'bomrl',
    overrides: ['method.alg=l2', 'method.hypergradient=full'],
  },
  'maml-trpo': { label: 'MAML-TRPO', config: 'maml-trpo', overrides: [] },
  promp: { label: 'ProMP', config: 'promp', overrides: [] },
  'e-maml': { label: 'E-MAML', config: 'e-maml', overrides: [] },
  'bomrl-ignore-data': {
    label: "BO-MRL Alg(1) 'ignore-data'",
    config: 'bomrl',
    overrides: ['method.alg=forward-kl', 'method.hypergradient=ignore-data'],
    ablation: true,
  },
};

/** The family the 'ignore-data' ablation runs on. */
export const ABLATION_FAMILY = 'half-cheetah-vel';

/**
 * @typedef {object} Scale
 * @property {string} description
 * @property {number} iterations meta-iterations
 * @property {number | null} tasksPerBatch null: the family's paper value (10 vel / 4 dir)
 * @property {number} episodes   trajectories per task per phase (also at meta-test)
 * @property {number} horizon
 * @property {number | null} testTasks held-out tasks used at meta-test (null: all of them)
 * @property {string[]} extra further overrides (tiny networks and task sets for the smoke scale)
 */

/**
 * Named scales, each applied identically to every method. `paper` is the authors' setting;
 * `reduced` is the one budget-sized scale; `smoke` exists for tests (its numbers are not results).
 * @type {Record<string, Scale>}
 */
export const SCALES = {
  paper: {
    description: "the paper's settings",
    iterations: 500,
    tasksPerBatch: null,
    episodes: 20,
    horizon: 200,
    testTasks: null,
    extra: [],
  },
  reduced: {
    description:
      'one reduced scale for every method, meant for a ~4 h suite on 2 cores; re-size it from measured costs before launching (see the README)',
    iterations: 50,
    tasksPerBatch: 4,
    episodes: 10,
    horizon: 200,
    testTasks: 10,
    extra: [],
  },
  smoke: {
    description: 'tiny sizes for tests: exercises the pipeline, its numbers are not results',
    iterations: 2,
    tasksPerBatch: 2,
    episodes: 2,
    horizon: 20,
    testTasks: 2,
    extra: ['env.tasks.count=6', 'env.tasks.trainFraction=0.5', 'policy.hidden=[16,16]'],
  },
};

/** Adaptation rounds at meta-test: 0 (the meta-policy) .. 3, each on fresh rollouts. */
export const META_TEST_ROUNDS = 3;

/** The config overrides of a scale (checkpoints every iteration so a kill loses at most one). */
export function scaleOverrides(scaleName) {
  const s = SCALES[scaleName];
  if (!s) {
    throw new Error(`--scale: unknown scale '${scaleName}'; use one of ${Object.keys(SCALES)}`);
  }
  return [
    `meta.iterations=${s.iterations}`,
    ...(s.tasksPerBatch === null ? [] : [`meta.tasksPerBatch=${s.tasksPerBatch}`]),
    `sampler.episodesPerTask=${s.episodes}`,
    `env.horizon=${s.horizon}`,
    'checkpointEvery=1',
    ...s.extra,
  ];
}

/**
 * @typedef {object} PlannedRun
 * @property {string} family
 * @property {string} method
 * @property {number} seed
 * @property {string} configFile
 * @property {string[]} overrides
 * @property {string} runDir     checkpoints and the trainer's run directory (outside git)
 * @property {string} resultDir  the small files kept in results/
 */

/** Parses a comma-separated option against the allowed values. */
export function parseList(option, value, allowed) {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) {
    if (!allowed.includes(item)) {
      throw new Error(`--${option}: unknown '${item}'; use a comma-separated subset of ${allowed}`);
    }
  }
  if (items.length === 0) throw new Error(`--${option}: give at least one of ${allowed}`);
  return items;
}

/**
 * The runs of a suite, in execution order (family, method, seed). The ablation method runs only
 * on {@link ABLATION_FAMILY}.
 * @returns {PlannedRun[]}
 */
export function planRuns({ families, methods, seeds, scale, out, runs }) {
  const plan = [];
  for (const family of families) {
    for (const method of methods) {
      const spec = METHODS[method];
      if (spec.ablation && family !== ABLATION_FAMILY) continue;
      for (let seed = 0; seed < seeds; seed++) {
        const rel = path.join(family, method, `seed-${seed}`);
        plan.push({
          family,
          method,
          seed,
          configFile: path.join(EXAMPLE_DIR, 'configs', `${family}-${spec.config}.yaml`),
          overrides: [
            ...scaleOverrides(scale),
            ...spec.overrides,
            `seed=${seed}`,
            `name=${family}-${method}-seed-${seed}`,
          ],
          runDir: path.join(runs, rel),
          resultDir: path.join(out, rel),
        });
      }
    }
  }
  return plan;
}
