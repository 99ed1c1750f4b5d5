/**
 * Builds the combined results object (written as results/locomotion/results.json) from the
 * finished runs' small files: per run the meta-test mean and standard error of every round and
 * the training curve (plus BO-MRL's lower-level stationarity per iteration), and per
 * family x method x round the mean +- standard error over held-out tasks and seeds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { COMPLETE_FILE, META_TEST_FILE } from './run-one.mjs';
import { FAMILIES, METHODS, SCALES } from './suite-plan.mjs';

/** Metrics that describe how stationary BO-MRL's lower-level solution was (whatever the build records). */
const STATIONARITY_KEY = /lower|stationar|solver/i;

/**
 * Pools groups given as (mean, standard error, n) into the mean and standard error of all their
 * values: each group's sample variance is stderr^2 * n, so the pooled sum of squares is exact.
 * @param {{ mean: number, stderr: number, n: number }[]} groups
 */
export function poolMeanStderr(groups) {
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
export function meanStderrOf(values) {
  return poolMeanStderr(values.map((v) => ({ mean: v, stderr: 0, n: 1 })));
}

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

/** The finished runs' result directories under `out` (<family>/<method>/seed-<k>/). */
export function finishedRunDirs(out) {
  const dirs = [];
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
function runEntry(dir) {
  const done = readJson(path.join(dir, COMPLETE_FILE));
  const metaTest = readJson(path.join(dir, META_TEST_FILE));
  const metrics = fs
    .readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
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
function aggregate(runs) {
  const groups = new Map();
  for (const r of runs) {
    const key = `${r.family}/${r.method}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
  return [...groups.values()].map((group) => {
    const { family, method } = group[0];
    const rounds = group[0].metaTest.rounds.map((_, k) => {
      const perSeed = group.map((r) => r.metaTest.rounds[k]);
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
      iteration: group[0].curve.iteration[i],
      ...meanStderrOf(group.map((r) => r.curve.postAdaptationReturn[i])),
    }));
    return { family, method, seeds: group.map((r) => r.seed), rounds, curve };
  });
}

/**
 * The combined results of every finished run under `out`. Throws when runs of different scales
 * share `out` (their numbers must not be pooled).
 */
export function collectResults(out) {
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
  return {
    format: 'bomrl-locomotion-results',
    version: 1,
    scale: scale ? { name: scale, ...runs[0].scaleSettings, paper: SCALES.paper } : null,
    runs,
    aggregates: aggregate(runs),
  };
}
