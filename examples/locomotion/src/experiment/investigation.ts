/**
 * The report's investigation tables, computed from results.json: how much each method adapts
 * (at meta-test and during training), and what BO-MRL's lower level and hypergradient looked
 * like at every iteration (stationarity, the adjoint solve's residual, agreement between the
 * 'full' and 'ignore-data' hypergradients, how far theta' moved from phi). They are what the
 * README's discussion of the results cites.
 */
import type { MeanStderr } from '@bomrl/trainer';
import { meanStderrOf } from './collect';
import { FAMILIES, FAMILY_LABELS, METHODS } from './suite-plan';

/** What the investigation reads of one run (a subset of results.json's `runs[]`). */
export interface InvestigatedRun {
  readonly family: (typeof FAMILIES)[number];
  readonly method: string;
  readonly seed: number;
  readonly metaTest?: { readonly rounds: readonly { readonly mean: number }[] };
  readonly curve?: {
    readonly postAdaptationReturn: readonly number[];
    readonly preAdaptationReturn?: readonly number[];
  };
  readonly lowerLevel?: Readonly<Record<string, readonly (number | string | undefined)[]>>;
}

/** BO-MRL's per-iteration diagnostics the second table summarizes, with their column titles. */
export const BOMRL_DIAGNOSTICS: readonly (readonly [key: string, title: string])[] = [
  ['meanLowerRelGradNorm', "rel. grad norm at theta'"],
  ['maxAdjointResidual', 'adjoint CG rel. residual'],
  ['modeCosine', "cos('full', 'ignore-data')"],
  ['meanDistance', "D2(phi, theta')"],
  ['meanSolverSteps', 'lower-level steps'],
];

/** The median of finite values (NaN when there are none). */
export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Groups runs by family x method in report order (families, then the METHODS order). */
function byFamilyMethod(
  runs: readonly InvestigatedRun[],
): { family: InvestigatedRun['family']; method: string; runs: InvestigatedRun[] }[] {
  const order = Object.keys(METHODS);
  const groups: { family: InvestigatedRun['family']; method: string; runs: InvestigatedRun[] }[] =
    [];
  for (const family of FAMILIES) {
    for (const method of order) {
      const group = runs.filter((r) => r.family === family && r.method === method);
      if (group.length) groups.push({ family, method, runs: group });
    }
  }
  return groups;
}

/** One row of the adaptation table. */
export interface AdaptationRow {
  readonly family: InvestigatedRun['family'];
  readonly method: string;
  /** Held-out return after the last round minus after round 0, over seeds. */
  readonly metaTestGain: MeanStderr;
  /** Training: post- minus pre-adaptation return, averaged over iterations, then over seeds. */
  readonly trainingGain: MeanStderr;
}

/** How much each family x method improves by adapting, at meta-test and during training. */
export function adaptationRows(runs: readonly InvestigatedRun[]): AdaptationRow[] {
  return byFamilyMethod(runs).map(({ family, method, runs: group }) => {
    const metaTestGain = meanStderrOf(
      group.flatMap((r) => {
        const rounds = r.metaTest?.rounds;
        return rounds && rounds.length > 1 ? [rounds.at(-1)!.mean - rounds[0]!.mean] : [];
      }),
    );
    const trainingGain = meanStderrOf(
      group.flatMap((r) => {
        const pre = r.curve?.preAdaptationReturn;
        const post = r.curve?.postAdaptationReturn;
        if (!pre || !post || pre.length === 0) return [];
        return [post.reduce((s, p, i) => s + p - (pre[i] ?? Number.NaN), 0) / post.length];
      }),
    );
    return { family, method, metaTestGain, trainingGain };
  });
}

/** One row of the BO-MRL diagnostics table: each diagnostic's median over iterations x seeds. */
export interface DiagnosticsRow {
  readonly family: InvestigatedRun['family'];
  readonly method: string;
  readonly medians: readonly number[];
}

/** BO-MRL's lower-level and hypergradient diagnostics per family x method (runs that record them). */
export function diagnosticsRows(runs: readonly InvestigatedRun[]): DiagnosticsRow[] {
  return byFamilyMethod(runs.filter((r) => r.lowerLevel)).map(({ family, method, runs: g }) => ({
    family,
    method,
    medians: BOMRL_DIAGNOSTICS.map(([key]) =>
      median(
        g.flatMap((r) =>
          (r.lowerLevel?.[key] ?? []).filter((v): v is number => typeof v === 'number'),
        ),
      ),
    ),
  }));
}

/** Three significant digits, in exponent form when small (residuals, gradient norms). */
export const formatDiagnostic = (x: number): string =>
  !Number.isFinite(x)
    ? 'n/a'
    : Math.abs(x) !== 0 && Math.abs(x) < 1e-2
      ? x.toExponential(2)
      : x.toPrecision(3);

const signed = (r: MeanStderr) =>
  Number.isFinite(r.mean)
    ? `${r.mean >= 0 ? '+' : ''}${r.mean.toFixed(1)} ± ${r.stderr.toFixed(1)}`
    : 'n/a';

/** The investigation section of report.md (empty when no run is given). */
export function investigationMarkdown(
  runs: readonly InvestigatedRun[],
  table: (header: readonly string[], rows: readonly (readonly string[])[]) => string[],
): string {
  const adaptation = adaptationRows(runs);
  if (adaptation.length === 0) return '';
  const label = (m: string) => METHODS[m]?.label ?? m;
  const lines = [
    '## How much each method adapts',
    '',
    "Meta-test gain: held-out return after the last adaptation round minus after round 0 (the meta-policy itself), mean ± s.e. over seeds. Training gain: post- minus pre-adaptation return on the training batch, averaged over a run's iterations, mean ± s.e. over seeds.",
    '',
    ...table(
      ['family', 'method', 'meta-test gain', 'training gain'],
      adaptation.map((r) => [
        FAMILY_LABELS[r.family],
        label(r.method),
        signed(r.metaTestGain),
        signed(r.trainingGain),
      ]),
    ),
    '',
  ];
  const diagnostics = diagnosticsRows(runs);
  if (diagnostics.length) {
    lines.push(
      "## BO-MRL's lower level and hypergradient",
      '',
      "Medians over every iteration of every seed. Relative gradient norm: ||grad G(theta')|| / ||grad G(phi)||, the task mean per iteration (0 at an exact lower-level solution). Adjoint residual: ||H v - g|| / ||g|| of the adjoint solve, the worst task per iteration (above 1 the solve ended further from the solution than v = 0 started). cos('full', 'ignore-data'): cosine between the two hypergradient modes on the same samples, per task, averaged over the batch. D2: the lower level's distance of theta' from phi.",
      '',
      ...table(
        ['family', 'method', ...BOMRL_DIAGNOSTICS.map(([, title]) => title)],
        diagnostics.map((r) => [
          FAMILY_LABELS[r.family],
          label(r.method),
          ...r.medians.map(formatDiagnostic),
        ]),
      ),
      '',
    );
  }
  return lines.join('\n');
}
