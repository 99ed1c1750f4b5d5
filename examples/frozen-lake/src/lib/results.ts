/** The schema of the demo's results.json (format 'bomrl-demo-results', version 1). */
import type { Config, MeanStderr } from '@bomrl/trainer';
import type { FrozenLakeEnvConfig } from './tasks';
import type { TrainingGap } from './training-gap';

/** One adaptation round of one method on the held-out maps. */
export interface MethodRound {
  readonly round: number;
  /** Exact J: mean and standard error over maps. */
  readonly mean: number;
  readonly stderr: number;
  readonly optimalityGap: MeanStderr;
  readonly optimalReturn: number;
  readonly sampledReturn: MeanStderr;
  readonly sampledDiscountedReturn: MeanStderr;
}

/** One row of the results table: a prior and an adaptation operator. */
export interface MethodResult {
  readonly id: string;
  readonly label: string;
  readonly prior: string;
  readonly adaptation: string;
  readonly diagnostic: boolean;
  readonly evaluator: string;
  readonly tasks: number;
  readonly episodesPerTask: number;
  readonly rounds: readonly MethodRound[];
}

/** The task variance of one task set. */
export interface TheoryFamily {
  readonly family: string;
  readonly variance: 'high' | 'low';
  readonly source: string;
  readonly tasks: number;
  readonly taskVariance: number;
  readonly numericMinimum: number;
  readonly numericSteps: number;
  readonly meanOptimalReturn: number;
}

/** The theory check: task variances, the bound's variance term and the measured gaps. */
export interface TheoryResult {
  readonly families: readonly TheoryFamily[];
  readonly demoFamily: string;
  readonly varianceTerm: readonly { lambda: number; role: string; value: number }[];
  readonly measuredGap: {
    readonly heldOutAfterOneRound: readonly { id: string; gap: MeanStderr | undefined }[];
    readonly trainingAverage: readonly ({ id: string } & TrainingGap)[];
  };
  readonly unknownConstants: Readonly<Record<string, string>>;
  readonly reading: string;
}

/** How each trained run was configured. */
export interface RunSettings {
  readonly id: string;
  readonly config: string;
  readonly method: Config['method'];
  readonly meta: Config['meta'];
  readonly seed: number;
}

export interface DemoResults {
  readonly format: 'bomrl-demo-results';
  readonly version: 1;
  readonly command: string;
  readonly metric: string;
  readonly backend: string;
  readonly pipeline: string;
  readonly timing: {
    readonly longestTrainingRunSeconds: number;
    readonly perRun: readonly { name: string; method: string; seconds: number }[];
    readonly theorySeconds: number;
    readonly metaTestSeconds: number;
    readonly totalSeconds: number;
    readonly cores: number;
  };
  readonly settings: {
    readonly family: FrozenLakeEnvConfig;
    readonly policy: Extract<Config['policy'], { kind: 'tabular-softmax' }>;
    readonly mode: Config['mode'];
    readonly runs: readonly RunSettings[];
    readonly metaTest: {
      readonly rounds: number;
      readonly heldOutTasks: number;
      readonly episodesPerTaskSampled: number;
    };
  };
  readonly methods: readonly MethodResult[];
  readonly checks: {
    readonly bomrlAtLeastMamlAfterOneRound: boolean;
    readonly bomrlBeatsRandomAfterOneRound: boolean;
    readonly mamlBeatsRandomAfterOneRound: boolean;
  };
  readonly theory: TheoryResult;
}

/** Round k of a method (the table always has rounds 0..K, K >= 1). */
export function round(method: MethodResult, k: number): MethodRound {
  const r = method.rounds[k];
  if (!r)
    throw new Error(`method ${method.id} has no round ${k}; run the meta-test with rounds >= ${k}`);
  return r;
}

/** The ordering checks the README states. */
export function orderingChecks(
  byId: Readonly<Record<string, MethodResult>>,
): DemoResults['checks'] {
  const after1 = (id: string) => {
    const m = byId[id];
    if (!m) throw new Error(`orderingChecks: method '${id}' was not evaluated`);
    return round(m, 1).mean;
  };
  return {
    bomrlAtLeastMamlAfterOneRound: after1('bomrl-alg1') >= after1('maml'),
    bomrlBeatsRandomAfterOneRound: after1('bomrl-alg1') > after1('random-init'),
    mamlBeatsRandomAfterOneRound: after1('maml') > after1('random-init'),
  };
}
