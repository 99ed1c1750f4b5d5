/**
 * The small 2D-navigation run whose post-update improvement test/improvement.test.ts checks
 * (and src/improvement-spread.ts measures over seeds): sizes that train in a few minutes on
 * two cores and still give a clear signal.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MetricsRecord } from '@bomrl/trainer';

/** The settings of the small run: config overrides and the averaging window. */
export interface ImprovementRun {
  /** `key=value` overrides applied to a navigation-2d config. */
  readonly overrides: readonly string[];
  /** Iterations averaged at each end of the curve. */
  readonly window: number;
}

/** First-window and last-window mean post-update return, and their difference. */
export interface Improvement {
  readonly first: number;
  readonly last: number;
  readonly gain: number;
}

export const IMPROVEMENT_RUN: ImprovementRun = {
  overrides: [
    'meta.iterations=30',
    'meta.tasksPerBatch=8',
    'sampler.episodesPerTask=10',
    'env.horizon=20',
    'policy.hidden=[16,16]',
    // pinned: 'auto' would pick a native backend where one is installed, with other rounding
    'backend=wasm',
  ],
  /** Iterations averaged at each end of the curve. */
  window: 5,
};

/**
 * Mean post-update (undiscounted) return over the first and over the last `window` iterations of
 * a run directory's metrics.jsonl, and their difference.
 */
export function improvement(runDir: string, window = IMPROVEMENT_RUN.window): Improvement {
  const rows: MetricsRecord[] = fs
    .readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const post = rows.map((r) => Number(r.postReturnUndiscounted));
  const first = mean(post.slice(0, window));
  const last = mean(post.slice(-window));
  return { first, last, gain: last - first };
}
