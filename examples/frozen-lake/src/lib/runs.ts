/** The runs the demo meta-trains and the rows (prior x adaptation) it meta-tests. */
import path from 'node:path';
import { type Config, loadConfigFile, RunDirectory, readCheckpoint } from '@bomrl/trainer';

/** One meta-training run: a config file trained into `dir`. */
export interface DemoRun {
  readonly id: 'bomrl-alg1' | 'maml' | 'bomrl-alg2';
  readonly file: string;
  readonly config: Config;
  readonly dir: string;
}

/** Longest first; MAML (fast) next so its meta-test overlaps BO-MRL's training. */
export function demoRuns(
  exampleDir: string,
  out: string,
  overrides: readonly string[],
  alg2: boolean,
): DemoRun[] {
  const runs: Pick<DemoRun, 'id' | 'file'>[] = [
    { id: 'bomrl-alg1', file: 'configs/demo/bomrl-alg1.yaml' },
    { id: 'maml', file: 'configs/demo/maml.yaml' },
    ...(alg2 ? [{ id: 'bomrl-alg2' as const, file: 'configs/demo/bomrl-alg2.yaml' }] : []),
  ];
  return runs.map((r) => ({
    ...r,
    file: path.join(exampleDir, r.file),
    config: loadConfigFile(path.join(exampleDir, r.file), overrides),
    dir: path.join(out, r.id),
  }));
}

/** One row of the results table, and what it needs before it can be meta-tested. */
export interface DemoMethod {
  readonly id: string;
  readonly label: string;
  readonly prior: string;
  readonly adaptation: string;
  /** The run whose setup (adaptation operator) evaluates this row. */
  readonly setup: DemoRun['id'];
  /** The runs that must have finished training. */
  readonly needs: readonly DemoRun['id'][];
  /** The prior: a trained run's phi, or 'untrained' (the method's initial parameters). */
  readonly priorFrom: DemoRun['id'] | 'untrained';
  readonly diagnostic?: boolean;
}

/** The method of a run's config, narrowed by kind. */
function methodOf<K extends Config['method']['kind']>(
  runs: readonly DemoRun[],
  id: DemoRun['id'],
  kind: K,
): Extract<Config['method'], { kind: K }> | undefined {
  const method = runs.find((r) => r.id === id)?.config.method;
  if (method === undefined) return undefined;
  if (method.kind !== kind) throw new Error(`demo: run '${id}' must be a ${kind} config`);
  return method as Extract<Config['method'], { kind: K }>;
}

/** The rows, in table order. */
export function demoMethods(runs: readonly DemoRun[]): DemoMethod[] {
  const alg1 = methodOf(runs, 'bomrl-alg1', 'bomrl');
  const alg2 = methodOf(runs, 'bomrl-alg2', 'bomrl');
  const maml = methodOf(runs, 'maml', 'maml');
  const first = runs[0];
  if (!alg1 || !maml || !first) throw new Error('demo: the bomrl-alg1 and maml runs are required');
  const pg = `one exact PG step per round, alpha ${maml.alpha}`;
  const a1 = `Alg(1) forward KL, lambda ${alg1.testLambda}`;
  const policy = first.config.policy;
  const initLogit = policy.kind === 'tabular-softmax' ? policy.initLogit : undefined;
  return [
    {
      id: 'bomrl-alg1',
      label: 'BO-MRL Alg(1)',
      prior: 'BO-MRL Alg(1) meta-policy',
      adaptation: a1,
      setup: 'bomrl-alg1',
      needs: ['bomrl-alg1'],
      priorFrom: 'bomrl-alg1',
    },
    ...(alg2
      ? [
          {
            id: 'bomrl-alg2',
            label: 'BO-MRL Alg(2)',
            prior: 'BO-MRL Alg(2) meta-policy',
            adaptation: `Alg(2) reverse KL, lambda ${alg2.testLambda}`,
            setup: 'bomrl-alg2',
            needs: ['bomrl-alg2'],
            priorFrom: 'bomrl-alg2',
          } as const,
        ]
      : []),
    {
      id: 'maml',
      label: 'MAML',
      prior: 'MAML meta-policy',
      adaptation: pg,
      setup: 'maml',
      needs: ['maml'],
      priorFrom: 'maml',
    },
    {
      id: 'pg-from-bomrl-prior',
      label: 'PG from BO-MRL prior',
      prior: 'BO-MRL Alg(1) meta-policy',
      adaptation: pg,
      setup: 'maml',
      needs: ['maml', 'bomrl-alg1'],
      priorFrom: 'bomrl-alg1',
    },
    {
      id: 'random-init',
      label: 'Random init',
      prior: `uniform policy (every logit ${initLogit}), untrained`,
      adaptation: `${a1} (same operator as BO-MRL)`,
      setup: 'bomrl-alg1',
      needs: [],
      priorFrom: 'untrained',
    },
    {
      id: 'alg1-from-maml-prior',
      label: 'Alg(1) from MAML prior',
      prior: 'MAML meta-policy',
      adaptation: a1,
      setup: 'bomrl-alg1',
      needs: ['maml', 'bomrl-alg1'],
      priorFrom: 'maml',
      diagnostic: true,
    },
  ];
}

/** The order rows become ready in: nothing (random init), MAML, then BO-MRL. */
export const EVALUATION_ORDER = [
  'random-init',
  'maml',
  'bomrl-alg1',
  'pg-from-bomrl-prior',
  'alg1-from-maml-prior',
  'bomrl-alg2',
] as const;

/** The trained phi of a run (float64, from its checkpoint). */
export function trainedPhi(run: DemoRun): Float64Array {
  return Float64Array.from(readCheckpoint(new RunDirectory(run.dir)).phi);
}
