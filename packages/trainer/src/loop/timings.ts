import type { MetricsRecord } from '../run/run-directory';

/**
 * Splits a method's row into deterministic metrics and wall-clock seconds (keys ending in
 * `Seconds`), which go to timings.jsonl so that metrics.jsonl stays byte-identical on resume.
 */
export function splitTimings(row: MetricsRecord): {
  metrics: MetricsRecord;
  timings?: MetricsRecord;
} {
  const metrics: Record<string, number | string> = {};
  const timings: Record<string, number | string> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.endsWith('Seconds')) timings[key] = value;
    else metrics[key] = value;
  }
  if (Object.keys(timings).length === 0) return { metrics: row };
  return {
    metrics: metrics as MetricsRecord,
    timings: { iteration: row.iteration, ...timings } as MetricsRecord,
  };
}
