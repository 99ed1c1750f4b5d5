/**
 * What the locomotion experiment runs: the families, the methods (each a config in configs/ plus
 * overrides), the named scales, and the plan of (family, method, seed) runs with their
 * directories. Pure data and path arithmetic; running is in run-one.ts.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXAMPLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const REPO_ROOT = path.resolve(EXAMPLE_DIR, '../..');

/** The four locomotion families, in report order. */
export const FAMILIES = ['half-cheetah-vel', 'half-cheetah-dir', 'ant-vel', 'ant-dir'] as const;

/** A locomotion family's name. */
export type Family = (typeof FAMILIES)[number];

/** Display names of the families (the paper's). */
export const FAMILY_LABELS: Record<Family, string> = {
  'half-cheetah-vel': 'HalfCheetahVel',
  'half-cheetah-dir': 'HalfCheetahDir',
  'ant-vel': 'AntVel',
  'ant-dir': 'AntDir',
};

/** One compared method: a config plus overrides. */
export interface MethodSpec {
  /** How tables and plots name it. */
  readonly label: string;
  /** The configs/<family>-<config>.yaml it starts from. */
  readonly config: string;
  /** `key=value` overrides applied to that config. */
  readonly overrides: readonly string[];
  /** Run only on the ablation family. */
  readonly ablation?: boolean;
}

/**
 * The compared methods. BO-MRL's three distance metrics (Alg(1) forward KL, Alg(2) reverse KL,
 * Alg(3) squared Euclidean) all use the 'full' hypergradient and the configs' lambda 0.5;
 * 'ignore-data' (the authors' approximation), a lower level solved to stationarity and Alg(1)
 * at lambda 0.1 and 2 are the ablations.
 */
export const METHODS: Readonly<Record<string, MethodSpec>> = {
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
  'bomrl-stationary': {
    label: 'BO-MRL Alg(3) stationary',
    // configs/half-cheetah-vel-bomrl-stationary.yaml: l2, lambda 5, normalized advantages,
    // Newton-CG to a relative gradient norm ~1e-5: does a solved lower level change the result?
    config: 'bomrl-stationary',
    overrides: [],
    ablation: true,
  },
  // lambda weighs the distance term of the lower level, G = L - lambda D2: smaller lets theta'
  // move further from phi within the same 50 Adam steps, larger holds it closer
  'bomrl-lambda-0.1': {
    label: 'BO-MRL Alg(1) lambda 0.1',
    config: 'bomrl',
    overrides: ['method.alg=forward-kl', 'method.hypergradient=full', 'method.lambda=0.1'],
    ablation: true,
  },
  'bomrl-lambda-2': {
    label: 'BO-MRL Alg(1) lambda 2',
    config: 'bomrl',
    overrides: ['method.alg=forward-kl', 'method.hypergradient=full', 'method.lambda=2'],
    ablation: true,
  },
};

/** The family the ablations run on. */
export const ABLATION_FAMILY: Family = 'half-cheetah-vel';

/** A named scale: the sizes applied identically to every method. */
export interface Scale {
  readonly description: string;
  /** Meta-iterations. */
  readonly iterations: number;
  /** null: the family's paper value (10 vel / 4 dir). */
  readonly tasksPerBatch: number | null;
  /** Trajectories per task per phase (also at meta-test). */
  readonly episodes: number;
  readonly horizon: number;
  /** Held-out tasks used at meta-test (null: all of them). */
  readonly testTasks: number | null;
  /** Further overrides (tiny networks and task sets for the smoke scale). */
  readonly extra: readonly string[];
}

/**
 * Named scales, each applied identically to every method. `paper` is the authors' setting;
 * `reduced` is the one budget-sized scale; `smoke` exists for tests (its numbers are not results).
 */
export const SCALES: Readonly<Record<string, Scale> & { paper: Scale }> = {
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
      'one reduced scale for every method, sized from measured costs for a ~4 h suite on 2 cores (see the README)',
    iterations: 20,
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
export function scaleOverrides(scaleName: string): string[] {
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

/** One (family, method, seed) run of a suite and where its files go. */
export interface PlannedRun {
  readonly family: Family;
  readonly method: string;
  readonly seed: number;
  readonly configFile: string;
  readonly overrides: readonly string[];
  /** Checkpoints and the trainer's run directory (outside git). */
  readonly runDir: string;
  /** The small files kept in results/. */
  readonly resultDir: string;
}

/** What {@link planRuns} plans: the suite's selection, scale and directories. */
export interface SuiteSelection {
  readonly families: readonly Family[];
  readonly methods: readonly string[];
  readonly seeds: number;
  readonly scale: string;
  /** The results directory. */
  readonly out: string;
  /** The checkpoints' and run directories' root. */
  readonly runs: string;
}

/** Parses a comma-separated option against the allowed values. */
export function parseList<T extends string>(
  option: string,
  value: string,
  allowed: readonly T[],
): T[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const parsed: T[] = [];
  for (const item of items) {
    if (!isOneOf(item, allowed)) {
      throw new Error(`--${option}: unknown '${item}'; use a comma-separated subset of ${allowed}`);
    }
    parsed.push(item);
  }
  if (parsed.length === 0) throw new Error(`--${option}: give at least one of ${allowed}`);
  return parsed;
}

const isOneOf = <T extends string>(item: string, allowed: readonly T[]): item is T =>
  (allowed as readonly string[]).includes(item);

/**
 * The runs of a suite, in execution order (family, method, seed). The ablation method runs only
 * on {@link ABLATION_FAMILY}.
 */
export function planRuns({
  families,
  methods,
  seeds,
  scale,
  out,
  runs,
}: SuiteSelection): PlannedRun[] {
  const plan: PlannedRun[] = [];
  for (const family of families) {
    for (const method of methods) {
      const spec = METHODS[method];
      if (!spec) throw new Error(`unknown method '${method}'; use one of ${Object.keys(METHODS)}`);
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
