import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from './atomic-file';

/** One row of metrics: flat numbers and strings; `iteration` orders and de-duplicates rows. */
export type MetricsRecord = { readonly iteration: number } & Readonly<
  Record<string, number | string>
>;

/** The files of a run directory. */
export const RUN_FILES = {
  config: 'config.json',
  metrics: 'metrics.jsonl',
  metricsCsv: 'metrics.csv',
  checkpoint: 'checkpoints/latest.json',
  policy: 'policy.json',
  results: 'results.json',
} as const;

/**
 * A run directory: the resolved config, metrics (JSON lines and CSV), an atomically written
 * checkpoint, the final policy and meta-test results. Everything a report needs is here.
 */
export class RunDirectory {
  constructor(readonly dir: string) {}

  /** Absolute path of a file in the run. */
  file(name: string): string {
    return path.join(this.dir, name);
  }

  /** True when the run has a checkpoint to resume from. */
  hasCheckpoint(): boolean {
    return fs.existsSync(this.file(RUN_FILES.checkpoint));
  }

  /** Writes a JSON file atomically. */
  writeJson(name: string, data: unknown): void {
    writeJsonAtomic(this.file(name), data);
  }

  /** Reads a JSON file, with an error that names the run and the file. */
  readJson<T>(name: string): T {
    const f = this.file(name);
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch {
      throw new Error(`run directory '${this.dir}' has no ${name}; is it a bomrl run directory?`);
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new Error(`${f} is not valid JSON: ${(error as Error).message}`);
    }
  }

  /** Appends one metrics row to metrics.jsonl. */
  appendMetrics(record: MetricsRecord): void {
    fs.mkdirSync(this.dir, { recursive: true });
    fs.appendFileSync(this.file(RUN_FILES.metrics), `${JSON.stringify(record)}\n`);
  }

  /** All metrics rows, in order. */
  readMetrics(): MetricsRecord[] {
    const f = this.file(RUN_FILES.metrics);
    if (!fs.existsSync(f)) return [];
    return fs
      .readFileSync(f, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as MetricsRecord);
  }

  /**
   * Drops metrics rows after `iteration` (those written after the checkpoint a resumed run
   * restarts from), so the resumed run's metrics equal an uninterrupted run's.
   */
  truncateMetricsAfter(iteration: number): void {
    const kept = this.readMetrics().filter((r) => r.iteration <= iteration);
    writeFileAtomic(
      this.file(RUN_FILES.metrics),
      kept.map((r) => `${JSON.stringify(r)}\n`).join(''),
    );
  }

  /** Rewrites metrics.csv from metrics.jsonl (columns: the union of keys, first-seen order). */
  writeMetricsCsv(): void {
    const rows = this.readMetrics();
    const columns: string[] = [];
    for (const row of rows)
      for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
    const cell = (v: unknown) => {
      if (v === undefined) return '';
      const s = String(v);
      return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    };
    const lines = [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))];
    writeFileAtomic(this.file(RUN_FILES.metricsCsv), `${lines.join('\n')}\n`);
  }
}
