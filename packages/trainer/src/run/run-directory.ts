import fs from 'node:fs';
import path from 'node:path';
import {
  appendFileDurable,
  isAtomicTempFile,
  writeFileAtomic,
  writeJsonAtomic,
} from './atomic-file';
import { RunDirectoryError } from './run-errors';

/** One row of metrics: flat numbers and strings; `iteration` orders and de-duplicates rows. */
export type MetricsRecord = { readonly iteration: number } & Readonly<
  Record<string, number | string>
>;

/** The files of a run directory. */
export const RUN_FILES = {
  config: 'config.json',
  metrics: 'metrics.jsonl',
  metricsCsv: 'metrics.csv',
  timings: 'timings.jsonl',
  checkpoint: 'checkpoints/latest.json',
  policy: 'policy.json',
  results: 'results.json',
  info: 'run.json',
} as const;

/** metrics.jsonl as read: the rows, and whether a torn last line (a crash mid-append) was dropped. */
export interface MetricsRead {
  readonly rows: MetricsRecord[];
  /** The torn last line that was ignored, if any. */
  readonly tornLine?: string;
}

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
      throw new RunDirectoryError(
        `run directory '${this.dir}' has no ${name}; is it a bomrl run directory?`,
      );
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new RunDirectoryError(`${f} is not valid JSON: ${(error as Error).message}`);
    }
  }

  /** Appends one metrics row to metrics.jsonl (fsynced; errors name the file). */
  appendMetrics(record: MetricsRecord): void {
    appendFileDurable(this.file(RUN_FILES.metrics), `${JSON.stringify(record)}\n`);
  }

  /**
   * Appends one row of wall-clock seconds to timings.jsonl. Kept apart from metrics.jsonl so
   * that metrics stay deterministic (byte-identical across resumes and machines); timings are
   * informational, and an iteration redone after a crash appears twice.
   */
  appendTimings(record: MetricsRecord): void {
    appendFileDurable(this.file(RUN_FILES.timings), `${JSON.stringify(record)}\n`);
  }

  /**
   * metrics.jsonl, checked: every complete line must be a JSON object with an integer
   * `iteration`, else the error names the file and line. A last line without its newline that
   * does not parse is a torn append (crash or full disk) and is reported, not returned.
   */
  readMetricsChecked(): MetricsRead {
    const f = this.file(RUN_FILES.metrics);
    if (!fs.existsSync(f)) return { rows: [] };
    const text = fs.readFileSync(f, 'utf8');
    const lines = text.split('\n');
    const last = lines.pop() ?? '';
    const rows: MetricsRecord[] = [];
    const parse = (line: string): MetricsRecord | undefined => {
      try {
        const r = JSON.parse(line) as MetricsRecord;
        return r !== null && typeof r === 'object' && Number.isInteger(r.iteration) ? r : undefined;
      } catch {
        return undefined;
      }
    };
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      const r = parse(line);
      if (!r) {
        throw new RunDirectoryError(
          `${f}:${i + 1} is not a metrics row (expected a JSON object with an integer iteration): ${line.slice(0, 80)}`,
        );
      }
      rows.push(r);
    });
    if (last.trim() === '') return { rows };
    const r = parse(last);
    // a complete row without its newline is kept; anything else is a torn append
    if (r) return { rows: [...rows, r] };
    return { rows, tornLine: last };
  }

  /** All metrics rows, in order (a torn last line is left out; see {@link readMetricsChecked}). */
  readMetrics(): MetricsRecord[] {
    return this.readMetricsChecked().rows;
  }

  /** Rewrites metrics.jsonl to exactly `rows` (atomically). */
  writeMetrics(rows: readonly MetricsRecord[]): void {
    writeFileAtomic(
      this.file(RUN_FILES.metrics),
      rows.map((r) => `${JSON.stringify(r)}\n`).join(''),
    );
  }

  /**
   * Removes temporary files left by a writer killed between writing and renaming. Only call it
   * while holding the run lock (no other writer can own them then).
   */
  removeStaleTempFiles(): string[] {
    const removed: string[] = [];
    for (const sub of ['', path.dirname(RUN_FILES.checkpoint)]) {
      const d = this.file(sub);
      if (!fs.existsSync(d)) continue;
      for (const name of fs.readdirSync(d)) {
        if (!isAtomicTempFile(name) || name.startsWith('.bomrl-lock')) continue;
        fs.rmSync(path.join(d, name), { force: true });
        removed.push(path.join(d, name));
      }
    }
    return removed;
  }

  /**
   * Drops metrics rows after `iteration` (those written after the checkpoint a resumed run
   * restarts from), so the resumed run's metrics equal an uninterrupted run's.
   */
  truncateMetricsAfter(iteration: number): void {
    this.writeMetrics(this.readMetrics().filter((r) => r.iteration <= iteration));
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
