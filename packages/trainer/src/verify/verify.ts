import { Rng, relativeError } from '@bomrl/core';
import { FrozenLake } from '@bomrl/envs';
import type { TabularModel } from '@bomrl/envs/tabular';
import {
  disposeTabular,
  type ExactBomrlSpec,
  exactHypergradient,
  exactMamlMetaGradient,
  type TabularTensors,
  tabularTensors,
} from '@bomrl/meta-gradient';
import {
  constrainedHypergradient64,
  finiteDifferenceHypergradient64,
  iftHypergradient64,
  mamlHypergradient64,
  type ReferenceOperator,
} from '@bomrl/meta-gradient/testing';
import { ESTIMATOR_TOLERANCE, type EstimatorCase, runEstimatorChecks } from './promp-cases';

/** Acceptance bounds: tfjs float32 vs float64 finite differences, and the float64 IFT vs FD. */
export const VERIFY_TOLERANCE = { tfjs: 1e-3, float64: 1e-5 } as const;

/** One row of the verification table. */
export interface VerifyCase {
  readonly family: 'high-variance' | 'low-variance';
  readonly operator: string;
  /** ||library gradient - FD|| / ||FD||: the library (tfjs, float32) against float64 truth. */
  readonly tfjsRelativeError: number;
  /** The float64 reference's own implicit (or analytic) gradient against its FD. */
  readonly float64RelativeError: number;
  /** BO-MRL only: the 'ignore-data' approximation's error against the same truth. */
  readonly ignoreDataRelativeError?: number;
  /** ||FD||, so a tiny error is not a vacuous comparison. */
  readonly gradientNorm: number;
  readonly pass: boolean;
}

/** The whole verification. */
export interface VerifyReport {
  readonly tolerance: typeof VERIFY_TOLERANCE;
  readonly tasksPerFamily: number;
  readonly seed: number;
  readonly cases: readonly VerifyCase[];
  /** ProMP's and E-MAML's sampled estimators against the quantities they estimate. */
  readonly estimators: readonly EstimatorCase[];
  readonly estimatorTolerance: typeof ESTIMATOR_TOLERANCE;
  readonly pass: boolean;
  readonly seconds: number;
}

/** Options of {@link runVerify}. */
export interface VerifyOptions {
  /** Rng Frozen Lake maps per family (default 3). */
  readonly tasks?: number;
  /** Seeds the maps and phi (default 0). */
  readonly seed?: number;
  /** Called after each case (progress). */
  readonly onCase?: (c: VerifyCase) => void;
}

interface OperatorCase {
  readonly name: string;
  readonly reference: ReferenceOperator;
  readonly library: (t: TabularTensors, phi: Float64Array) => Float64Array;
  readonly ignoreData?: (t: TabularTensors, phi: Float64Array) => Float64Array;
  readonly float64: (models: readonly TabularModel[], phi: Float64Array) => Float64Array;
}

function bomrl(name: string, spec: Omit<ExactBomrlSpec, 'hypergradient'>): OperatorCase {
  const reference: ReferenceOperator =
    spec.delta !== undefined
      ? { kind: 'constrained', distance: spec.distance, delta: spec.delta }
      : { kind: 'penalty', distance: spec.distance, lambda: spec.lambda };
  return {
    name,
    reference,
    library: (t, phi) => exactHypergradient(t, phi, { ...spec, hypergradient: 'full' }).gradient,
    ignoreData: (t, phi) =>
      exactHypergradient(t, phi, { ...spec, hypergradient: 'ignore-data' }).gradient,
    float64:
      reference.kind === 'constrained'
        ? (models, phi) =>
            constrainedHypergradient64(models, phi, reference.distance, reference.delta)
        : (models, phi) =>
            iftHypergradient64(
              models,
              phi,
              reference as Extract<ReferenceOperator, { kind: 'penalty' }>,
            ),
  };
}

/** The operators verified: the paper's three distances, the constrained variant, and MAML. */
export const VERIFY_OPERATORS: readonly OperatorCase[] = [
  bomrl('Alg(1) forward KL, lambda 1.5', { distance: 'forward-kl', lambda: 1.5 }),
  bomrl('Alg(2) reverse KL, lambda 1.5', { distance: 'reverse-kl', lambda: 1.5 }),
  bomrl('Alg(3) l2, lambda 0.2', { distance: 'l2', lambda: 0.2 }),
  bomrl('constrained reverse KL, delta 0.05', { distance: 'reverse-kl', lambda: 1, delta: 0.05 }),
  {
    name: 'MAML, one exact PG step, alpha 2, second order',
    reference: { kind: 'maml', alpha: 2 },
    library: (t, phi) => exactMamlMetaGradient(t, phi, { alpha: 2, order: 'second' }).gradient,
    float64: (models, phi) => mamlHypergradient64(models, phi, 2),
  },
];

function mean(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts[0]!.length);
  for (const p of parts) for (let i = 0; i < out.length; i++) out[i]! += p[i]! / parts.length;
  return out;
}

/**
 * Checks every exact-mode meta-gradient of the library (tfjs, float32) against central finite
 * differences of the exact meta-objective F(phi) = mean_tau J_tau(theta'_tau(phi)) computed in
 * float64 with theta' solved to ||grad|| < 1e-12, on random Frozen Lake maps of both families
 * and a random phi. Also reports the float64 reference's own implicit-gradient error, and runs
 * the ProMP / E-MAML estimator checks ({@link runEstimatorChecks}).
 */
export function runVerify(options: VerifyOptions = {}): VerifyReport {
  const started = Date.now();
  const tasks = options.tasks ?? 3;
  const seed = options.seed ?? 0;
  const cases: VerifyCase[] = [];
  for (const variance of ['high', 'low'] as const) {
    const family = FrozenLake.family({ variance, size: 4 });
    const models = family
      .sampleTasks(tasks, seed * 7919 + (variance === 'high' ? 1 : 2))
      .map((t) => family.make(t).model());
    const rng = new Rng(seed * 104729 + (variance === 'high' ? 3 : 4));
    const phi = Float64Array.from({ length: models[0]!.nStates * models[0]!.nActions }, () =>
      Math.fround(0.5 * rng.normal()),
    );
    const tensors = models.map(tabularTensors);
    try {
      for (const op of VERIFY_OPERATORS) {
        const truth = finiteDifferenceHypergradient64(models, phi, op.reference);
        const ours = mean(tensors.map((t) => op.library(t, phi)));
        const tfjsRelativeError = relativeError(ours, truth);
        const float64RelativeError = relativeError(op.float64(models, phi), truth);
        const ignore = op.ignoreData
          ? relativeError(mean(tensors.map((t) => op.ignoreData!(t, phi))), truth)
          : undefined;
        const row: VerifyCase = {
          family: `${variance}-variance`,
          operator: op.name,
          tfjsRelativeError,
          float64RelativeError,
          ...(ignore === undefined ? {} : { ignoreDataRelativeError: ignore }),
          gradientNorm: Math.hypot(...truth),
          pass:
            tfjsRelativeError <= VERIFY_TOLERANCE.tfjs &&
            float64RelativeError <= VERIFY_TOLERANCE.float64,
        };
        cases.push(row);
        options.onCase?.(row);
      }
    } finally {
      tensors.forEach(disposeTabular);
    }
  }
  const estimators = runEstimatorChecks({ seed });
  return {
    tolerance: VERIFY_TOLERANCE,
    tasksPerFamily: tasks,
    seed,
    cases,
    estimators,
    estimatorTolerance: ESTIMATOR_TOLERANCE,
    pass: cases.every((c) => c.pass) && estimators.every((c) => c.pass),
    seconds: (Date.now() - started) / 1000,
  };
}

/** The report as a Markdown table. */
export function formatVerifyTable(report: VerifyReport): string {
  const e = (x: number | undefined) => (x === undefined ? '-' : x.toExponential(2));
  const lines = [
    `| family | operator | tfjs vs FD (<= ${report.tolerance.tfjs}) | float64 IFT vs FD (<= ${report.tolerance.float64}) | 'ignore-data' vs FD | pass |`,
    '| --- | --- | --- | --- | --- | --- |',
    ...report.cases.map(
      (c) =>
        `| ${c.family} | ${c.operator} | ${e(c.tfjsRelativeError)} | ${e(c.float64RelativeError)} | ${e(c.ignoreDataRelativeError)} | ${c.pass ? 'yes' : 'NO'} |`,
    ),
    '',
    `| estimator | exact E vs truth (<= ${report.estimatorTolerance.exact}) | tfjs exact E vs truth (<= ${report.estimatorTolerance.tfjs}) | sampled mean vs truth, SE (<= ${report.estimatorTolerance.standardErrors}) | pass |`,
    '| --- | --- | --- | --- | --- |',
    ...report.estimators.map(
      (c) =>
        `| ${c.estimator} | ${e(c.exactRelativeError)} | ${e(c.tfjsRelativeError)} | ${c.standardErrors.toFixed(2)} (${c.samples} samples) | ${c.pass ? 'yes' : 'NO'} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
