import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_RELATIVE_STATIONARITY_TOL } from '@bomrl/meta-gradient';
import type { Config } from '../config/schema';
import type { MetaTestResults, RoundResult } from '../evaluate/meta-test';
import type { MeanStderr } from '../evaluate/stats';
import type { RunInfo } from '../loop/train';
import { writeFileAtomic } from '../run/atomic-file';
import { type MetricsRecord, RUN_FILES, RunDirectory } from '../run/run-directory';
import { type ChartSeries, lineChart } from './svg-chart';

/** Options of {@link report}. */
export interface ReportOptions {
  /** Output directory (default `<first run>/report`). */
  readonly out?: string;
}

/** What {@link report} wrote. */
export interface ReportFiles {
  readonly dir: string;
  /** Absolute paths of the files written. */
  readonly files: readonly string[];
}

/** One run's files, as read from its directory. */
interface RunData {
  readonly dir: string;
  readonly label: string;
  readonly config: Config;
  readonly info?: RunInfo;
  readonly metrics: readonly MetricsRecord[];
  readonly results?: MetaTestResults;
  /** metrics.jsonl ended with a torn line (an interrupted write), which is left out. */
  readonly tornMetrics: boolean;
}

function readRun(dir: string): RunData {
  const run = new RunDirectory(dir);
  const config = run.readJson<Config>(RUN_FILES.config);
  const info = fs.existsSync(run.file('run.json')) ? run.readJson<RunInfo>('run.json') : undefined;
  const results = fs.existsSync(run.file(RUN_FILES.results))
    ? run.readJson<MetaTestResults>(RUN_FILES.results)
    : undefined;
  const method = info?.method ?? results?.method ?? config.method.kind;
  const metrics = run.readMetricsChecked();
  return {
    dir,
    label: `${config.name} (${method})`,
    config,
    ...(info ? { info } : {}),
    metrics: metrics.rows,
    tornMetrics: metrics.tornLine !== undefined,
    ...(results ? { results } : {}),
  };
}

const fmt = (x: number | undefined) =>
  x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(4);
const pm = (s: MeanStderr | undefined) => (s ? `${fmt(s.mean)} ± ${fmt(s.stderr)}` : '-');
const num = (r: MetricsRecord, key: string) =>
  typeof r[key] === 'number' && Number.isFinite(r[key]) ? (r[key] as number) : undefined;

/** The return a run's meta-test is judged by: exact J where known, else discounted episodes. */
const headline = (r: RoundResult) => r.exactReturn ?? r.discountedReturn;

function trainingChart(runs: readonly RunData[]): string | undefined {
  const series: ChartSeries[] = [];
  for (const run of runs) {
    for (const [key, name] of [
      ['objective', 'post-adaptation'],
      ['preAdaptationReturn', 'pre-adaptation'],
    ] as const) {
      const points = run.metrics.flatMap((r) => {
        const y = num(r, key);
        return y === undefined ? [] : [{ x: r.iteration, y }];
      });
      if (points.length) series.push({ name: `${run.label} ${name}`, points });
    }
  }
  if (!series.length) return undefined;
  return lineChart({
    title: 'Meta-training: objective (mean return over the meta-batch)',
    xLabel: 'meta-iteration',
    yLabel: 'discounted return',
    series,
  });
}

function roundsChart(
  runs: readonly RunData[],
  pick: (r: RoundResult) => MeanStderr | undefined,
  title: string,
  yLabel: string,
  withOptimum: boolean,
): string | undefined {
  const series: ChartSeries[] = runs.flatMap((run) => {
    const points = (run.results?.rounds ?? []).flatMap((r) => {
      const s = pick(r);
      return s && Number.isFinite(s.mean) ? [{ x: r.round, y: s.mean, error: s.stderr }] : [];
    });
    return points.length ? [{ name: run.label, points }] : [];
  });
  if (!series.length) return undefined;
  const optima = runs.flatMap((r) => r.results?.rounds[0]?.optimalReturn ?? []);
  // one J* line only when every run was tested on the same tasks (same optimum)
  const sameOptimum = optima.length === runs.length && optima.every((o) => o === optima[0]);
  return lineChart({
    title,
    xLabel: 'adaptation round',
    yLabel,
    series,
    ...(withOptimum && sameOptimum
      ? { reference: { y: optima[0]!, label: 'J* (all-task optimum)' } }
      : {}),
  });
}

/** ' (\\* k non-stationary)' when k iterations had a non-stationary lower level, else ''. */
function nonStationaryMark(run: RunData): string {
  const iterations = run.metrics.filter((r) => (num(r, 'nonStationaryTasks') ?? 0) > 0).length;
  return iterations > 0 ? ` (\\* ${iterations} non-stationary)` : '';
}

/** ' (incomplete: ...)' for a run that has not completed its meta-iterations, else ''. */
function incompleteNote(run: RunData): string {
  const status = run.info?.status;
  if (status === 'completed') return '';
  const total = run.info?.total ?? run.config.meta.iterations;
  return ` (incomplete: ${status === 'running' || status === undefined ? 'stopped or still running' : status}, ${run.metrics.length} of ${total})`;
}

function summary(runs: readonly RunData[]): string {
  const lines = ['# bomrl report', ''];
  lines.push('| run | method | iterations | first objective | last objective | directory |');
  lines.push('| --- | --- | --- | --- | --- | --- |');
  for (const run of runs) {
    const first = run.metrics[0];
    const last = run.metrics[run.metrics.length - 1];
    lines.push(
      `| ${run.config.name} | ${run.info?.method ?? run.config.method.kind} | ${run.metrics.length}${incompleteNote(run)}${nonStationaryMark(run)} | ${fmt(first && num(first, 'objective'))} | ${fmt(last && num(last, 'objective'))} | ${run.dir} |`,
    );
  }
  for (const run of runs.filter((r) => r.tornMetrics)) {
    lines.push(
      '',
      `Note: ${run.dir}/metrics.jsonl ends with a torn line (an interrupted write); it is left out.`,
    );
  }
  if (runs.some((run) => nonStationaryMark(run) !== '')) {
    lines.push(
      '',
      "\\* The lower level was not stationary (||grad G(theta')|| above " +
        `${DEFAULT_RELATIVE_STATIONARITY_TOL} of ||grad G(phi)||) in that many iterations ` +
        '(metrics.jsonl `nonStationaryTasks`): the implicit meta-gradient assumes stationarity, ' +
        'so they used a biased meta-gradient. Give the lower-level solver more steps or a ' +
        'larger learning rate.',
    );
  }
  for (const run of runs) {
    lines.push('', `## Meta-test: ${run.label}`, '');
    const res = run.results;
    if (!res) {
      lines.push('No results.json yet: run `bomrl test <run-dir>`.');
      continue;
    }
    if (res.complete === false) {
      lines.push(
        `Evaluated an unfinished run at its checkpoint (meta-iteration ${res.iteration ?? '?'}).`,
        '',
      );
    }
    lines.push(
      `${res.tasks} held-out tasks x ${res.seeds} seed(s), ${res.episodesPerTask} fresh episodes per task per round; mean ± standard error over tasks x seeds.`,
      '',
    );
    const exact = res.rounds.some((r) => r.exactReturn);
    lines.push(
      `| round | return | discounted return${exact ? ' | exact J | J* | optimality gap' : ''} |`,
      `| --- | --- | ---${exact ? ' | --- | --- | ---' : ''} |`,
    );
    for (const r of res.rounds) {
      const cells = [String(r.round), pm(r.return), pm(r.discountedReturn)];
      if (exact) cells.push(pm(r.exactReturn), fmt(r.optimalReturn), pm(r.optimalityGap));
      lines.push(`| ${cells.join(' | ')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes SVG plots and a Markdown summary from run directories' files alone (config.json,
 * metrics.jsonl, run.json, results.json): the training curve, meta-test return vs adaptation
 * rounds with standard-error bars (one series per run), and the optimality gap where the model
 * is known. Plots only what the files hold: nothing is rescaled or entered by hand.
 */
export function report(
  runDirs: string | readonly string[],
  options: ReportOptions = {},
): ReportFiles {
  const dirs = typeof runDirs === 'string' ? [runDirs] : runDirs;
  if (dirs.length === 0) throw new RangeError('report: no run directories given');
  const runs = dirs.map(readRun);
  const out = options.out ?? path.join(dirs[0]!, 'report');
  const files: string[] = [];
  const write = (name: string, content: string | undefined) => {
    if (content === undefined) return;
    const f = path.resolve(out, name);
    writeFileAtomic(f, content);
    files.push(f);
  };
  write('training-curve.svg', trainingChart(runs));
  write(
    'meta-test-return.svg',
    roundsChart(
      runs,
      headline,
      'Meta-test: return after k adaptation rounds',
      'return (exact J where known, else discounted episodes)',
      true,
    ),
  );
  write(
    'meta-test-undiscounted.svg',
    roundsChart(
      runs,
      (r) => r.return,
      'Meta-test: undiscounted episode return',
      'undiscounted return',
      false,
    ),
  );
  write(
    'optimality-gap.svg',
    roundsChart(
      runs,
      (r) => r.optimalityGap,
      'Meta-test: optimality gap J* - J(adapted)',
      'gap',
      false,
    ),
  );
  write('summary.md', summary(runs));
  return { dir: out, files };
}
