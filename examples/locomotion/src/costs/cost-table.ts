/** config-costs.json and the README table generated from it (pure functions, tested). */
import fs from 'node:fs';

/** One shipped config trained for one meta-iteration at its stated size. */
export interface ConfigCost {
  /** File name in configs/. */
  readonly config: string;
  /** Wall-clock seconds of the whole command (process start, MuJoCo and backend load included). */
  readonly wallSeconds: number;
  /** User + system CPU seconds of the process, all threads (the worker pool included). */
  readonly cpuSeconds: number;
  readonly peakRssMB: number;
  /** 1-minute load average before and after: the machine's other work during the measurement. */
  readonly loadBefore: number;
  readonly loadAfter: number;
  readonly cores: number;
  readonly measuredAt: string;
  /** The commit measured (null: not a git checkout); `dirty` when tracked files had changes. */
  readonly code: { readonly commit: string; readonly dirty: boolean } | null;
}

export const COSTS_START = '<!-- config-costs:start -->';
export const COSTS_END = '<!-- config-costs:end -->';

/** The measured costs (empty when the file does not exist yet). */
export function readCosts(file: string): ConfigCost[] {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ConfigCost[]) : [];
}

/** The README table: one row per config, in file-name order, columns padded (as the formatter lays out tables). */
export function costsSection(costs: readonly ConfigCost[]): string {
  const header = ['config', 'wall s', 'CPU s', 'peak RSS MB', 'load before / after', 'commit'];
  const rows = [...costs]
    .sort((a, b) => a.config.localeCompare(b.config))
    .map((c) => [
      `\`${c.config}\``,
      String(c.wallSeconds),
      String(c.cpuSeconds),
      String(c.peakRssMB),
      `${c.loadBefore} / ${c.loadAfter}`,
      c.code ? `\`${c.code.commit.slice(0, 12)}\`${c.code.dirty ? '+' : ''}` : '?',
    ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** `text` with the part between the markers replaced by `section` (markers must exist). */
export function replaceCostsSection(text: string, section: string): string {
  const start = text.indexOf(COSTS_START);
  const end = text.indexOf(COSTS_END);
  if (start < 0 || end < start) {
    throw new Error(`README: add the markers ${COSTS_START} and ${COSTS_END} around the table`);
  }
  return `${text.slice(0, start + COSTS_START.length)}\n${section}\n${text.slice(end)}`;
}
