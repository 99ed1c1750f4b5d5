/** Where progress goes: a TTY gets one redrawn bar; anything else gets plain log lines. */
export interface ProgressSink {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** Formats seconds as `1h02m`, `3m04s` or `12s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s >= 3600)
    return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * Progress of a loop of known length, with ETA from the mean time per completed step.
 * On a TTY it redraws one line; otherwise it logs a line every `logEvery` steps (and the last).
 */
export class Progress {
  private readonly started: number;
  private lastLogged = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly sink: ProgressSink,
    private readonly options: { logEvery?: number; now?: () => number; startedAt?: number } = {},
  ) {
    // `startedAt`: when the work began, if before this object (e.g. created at the first update)
    this.started = options.startedAt ?? this.now();
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Reports that `done` of `total` steps are complete, with a short status text. */
  update(done: number, status = ''): void {
    const elapsed = (this.now() - this.started) / 1000;
    const eta = done > 0 ? (elapsed / done) * (this.total - done) : Number.NaN;
    const tail = `${done}/${this.total} elapsed ${formatDuration(elapsed)} eta ${formatDuration(eta)}${status ? ` ${status}` : ''}`;
    if (this.sink.isTTY) {
      const width = 24;
      const filled = Math.round((done / this.total) * width);
      this.sink.write(
        `\r${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${tail}\x1b[K`,
      );
      if (done >= this.total) this.sink.write('\n');
      return;
    }
    const every = this.options.logEvery ?? Math.max(1, Math.ceil(this.total / 20));
    if (done >= this.total || done - this.lastLogged >= every) {
      this.lastLogged = done;
      this.sink.write(`${this.label} ${tail}\n`);
    }
  }
}
