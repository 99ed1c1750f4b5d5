/**
 * Builds the combined results object (written as results/locomotion/results.json) from the
 * finished runs' small files: per run the meta-test mean and standard error of every round and
 * the training curve (plus BO-MRL's lower-level stationarity per iteration), and per
 * family x method x round the mean +- standard error over held-out tasks and seeds.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MeanStderr, MetaTestResults, MetricsRecord } from '@bomrl/trainer';
import { COMPLETE_FILE, type CompletedRun, META_TEST_FILE } from './run-one';
import { FAMILIES, type Family, METHODS, SCALES, type Scale } from './suite-plan';

/** A metrics.jsonl row of a locomotion run (the sampled methods record both returns). */
type MetricsRow = MetricsRecord & {
  readonly postReturnUndiscounted: number;
  readonly preReturnUndiscounted: number;
};

/** Held-out return after one adaptation round: mean and standard error over tasks (x seeds). */
export type RoundSummary = MeanStderr & { readonly round: number };

/** One finished run in results.json. */
export interface RunEntry {
  readonly family: Family;
  readonly method: string;
  readonly seed: number;
  readonly scale: string;
  readonly scaleSettings: Scale;
  readonly iterations: number;
  /** The commit that finished the run (null: unknown). */
  readonly code: CompletedRun['code'];
  readonly metaTest: {
    readonly tasks: number;
    readonly episodesPerTask: number;
    readonly rounds: readonly RoundSummary[];
  };
  readonly curve: {
    readonly iteration: readonly number[];
    readonly postAdaptationReturn: readonly number[];
    readonly preAdaptationReturn: readonly number[];
  };
  /**
   * BO-MRL's lower-level stationarity and adjoint/hypergradient diagnostics, per iteration
   * (absent for the baselines).
   */
  readonly lowerLevel?: Readonly<Record<string, readonly (number | string | undefined)[]>>;
}

/** One family x method of results.json: rounds pooled over tasks and seeds, the seed-mean curve. */
export interface Aggregate {
  readonly family: Family;
  readonly method: string;
  readonly seeds: readonly number[];
  readonly rounds: readonly (RoundSummary & { readonly seedMeans: MeanStderr })[];
  readonly curve: readonly (MeanStderr & { readonly iteration: number })[];
}

/** results.json: the scale, every finished run and the aggregates. */
export interface LocomotionResults {
  readonly format: 'bomrl-locomotion-results';
  readonly version: 1;
  readonly scale: (Scale & { readonly name: string; readonly paper: Scale }) | null;
  readonly runs: readonly RunEntry[];
  readonly aggregates: readonly Aggregate[];
}

/**
 * BO-MRL's per-iteration diagnostics (whatever the build records): how stationary the lower-level
 * solution was, the adjoint solve, the hypergradient modes' agreement and the distance moved.
 */
const STATIONARITY_KEY = /lower|stationar|solver|adjoint|modeCosine|distance/i;

/**
 * Pools groups given as (mean, standard error, n) into the mean and standard error of all their
 * values: each group's sample variance is stderr^2 * n, so the pooled sum of squares is exact.
 */
export function poolMeanStderr(groups: readonly MeanStderr[]): MeanStderr {
  const n = groups.reduce((s, g) => s + g.n, 0);
  if (n === 0) return { mean: Number.NaN, stderr: Number.NaN, n: 0 };
  const mean = groups.reduce((s, g) => s + g.mean * g.n, 0) / n;
  if (n === 1) return { mean, stderr: 0, n };
  const ss = groups.reduce(
    (s, g) => s + g.stderr ** 2 * g.n * (g.n - 1) + g.n * (g.mean - mean) ** 2,
    0,
  );
  return { mean, stderr: Math.sqrt(ss / (n - 1) / n), n };
}

/** Mean and standard error of plain values (sample standard deviation). */
export function meanStderrOf(values: readonly number[]): MeanStderr {
  return poolMeanStderr(values.map((v) => ({ mean: v, stderr: 0, n: 1 })));
}

/** Reads a JSON file this suite (or the trainer) wrote in the shape `T`. */
const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8'));

/** The finished runs' result directories under `out` (<family>/<method>/seed-<k>/). */
export function finishedRunDirs(out: string): string[] {
  const dirs: string[] = [];
  for (const family of FAMILIES) {
    for (const method of Object.keys(METHODS)) {
      const dir = path.join(out, family, method);
      if (!fs.existsSync(dir)) continue;
      for (const seedDir of fs.readdirSync(dir).sort()) {
        if (fs.existsSync(path.join(dir, seedDir, COMPLETE_FILE)))
          dirs.push(path.join(dir, seedDir));
      }
    }
  }
  return dirs;
}

/** One run's entry: meta-test rounds and training curves. */
function runEntry(dir: string): RunEntry {
  const done = readJson<CompletedRun>(path.join(dir, COMPLETE_FILE));
  const metaTest = readJson<MetaTestResults>(path.join(dir, META_TEST_FILE));
  const metrics = fs
    .readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l): MetricsRow => JSON.parse(l));
  const curve = {
    iteration: metrics.map((m) => m.iteration),
    postAdaptationReturn: metrics.map((m) => m.postReturnUndiscounted),
    preAdaptationReturn: metrics.map((m) => m.preReturnUndiscounted),
  };
  const stationarityKeys = Object.keys(metrics[0] ?? {}).filter((k) => STATIONARITY_KEY.test(k));
  return {
    family: done.family,
    method: done.method,
    seed: done.seed,
    scale: done.scale,
    scaleSettings: done.scaleSettings,
    iterations: done.iterations,
    code: done.code ?? null,
    metaTest: {
      tasks: metaTest.tasks,
      episodesPerTask: metaTest.episodesPerTask,
      rounds: metaTest.rounds.map((r) => ({
        round: r.round,
        mean: r.return.mean,
        stderr: r.return.stderr,
        n: r.return.n,
      })),
    },
    curve,
    ...(stationarityKeys.length
      ? {
          lowerLevel: Object.fromEntries(
            stationarityKeys.map((k) => [k, metrics.map((m) => m[k])]),
          ),
        }
      : {}),
  };
}

/** Per family x method: each round pooled over tasks and seeds, and the seed-mean curve. */
function aggregate(runs: readonly RunEntry[]): Aggregate[] {
  const groups = new Map<string, [RunEntry, ...RunEntry[]]>();
  for (const r of runs) {
    const key = `${r.family}/${r.method}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()].map((group) => {
    const [first] = group;
    const { family, method } = first;
    // indices below are in range: every run of a group has as many rounds as the first (the
    // same scale), and the curve is cut to the shortest run's length
    const rounds = first.metaTest.rounds.map((_, k) => {
      const perSeed = group.map((r) => r.metaTest.rounds[k]!);
      return {
        round: k,
        // over every held-out task x seed (the protocol)
        ...poolMeanStderr(perSeed),
        // over the seeds' means: the seed-to-seed spread alone
        seedMeans: meanStderrOf(perSeed.map((r) => r.mean)),
      };
    });
    const length = Math.min(...group.map((r) => r.curve.iteration.length));
    const curve = Array.from({ length }, (_, i) => ({
      iteration: first.curve.iteration[i]!,
      ...meanStderrOf(group.map((r) => r.curve.postAdaptationReturn[i]!)),
    }));
    return { family, method, seeds: group.map((r) => r.seed), rounds, curve };
  });
}

/**
 * The combined results of every finished run under `out`. Throws when runs of different scales
 * share `out` (their numbers must not be pooled).
 */
export function collectResults(out: string): LocomotionResults {
  const runs = finishedRunDirs(out).map(runEntry);
  const scales = [...new Set(runs.map((r) => r.scale))];
  if (scales.length > 1) {
    throw new Error(
      `${out} holds runs of several scales (${scales.join(', ')}); use a separate --out per scale`,
    );
  }
  const settings = [...new Set(runs.map((r) => JSON.stringify(r.scaleSettings)))];
  if (settings.length > 1) {
    throw new Error(
      `${out} holds '${scales[0]}' runs made with different definitions of that scale; rerun them into a fresh --out`,
    );
  }
  const scale = scales[0] ?? null;
  const firstRun = runs[0];
  return {
    format: 'bomrl-locomotion-results',
    version: 1,
    scale:
      scale && firstRun ? { name: scale, ...firstRun.scaleSettings, paper: SCALES.paper } : null,
    runs,
    aggregates: aggregate(runs),
  };
}
