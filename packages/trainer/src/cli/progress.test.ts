import { describe, expect, it } from 'vitest';
import { formatDuration, Progress } from './progress';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, write: (t: string) => chunks.push(t), chunks };
}

describe('Progress', () => {
  it('logs plain lines with ETA from the mean step time when not a TTY', () => {
    let t = 0;
    const s = sink(false);
    const p = new Progress('train', 10, s, { logEvery: 5, now: () => t });
    for (let i = 1; i <= 10; i++) {
      t += 2000; // 2 s per step
      p.update(i, `J=${i}`);
    }
    expect(s.chunks).toEqual([
      'train 5/10 elapsed 10s eta 10s J=5\n',
      'train 10/10 elapsed 20s eta 0s J=10\n',
    ]);
  });

  it('redraws one line with a bar on a TTY and ends it', () => {
    let t = 0;
    const s = sink(true);
    const p = new Progress('train', 4, s, { now: () => t });
    t = 1000;
    p.update(2);
    t = 2000;
    p.update(4);
    expect(s.chunks[0]).toMatch(/^\rtrain \[#{12}-{12}\] 2\/4 elapsed 1s eta 1s/);
    expect(s.chunks.at(-1)).toBe('\n');
  });

  it('counts elapsed time from startedAt when created at the first update', () => {
    const s = sink(false);
    // the work began at t = 0; the first step ended (and the Progress was made) at t = 30 s
    const p = new Progress('train', 3, s, { logEvery: 1, now: () => 30_000, startedAt: 0 });
    p.update(1);
    expect(s.chunks).toEqual(['train 1/3 elapsed 30s eta 1m00s\n']);
  });

  it('formats durations', () => {
    expect(formatDuration(5)).toBe('5s');
    expect(formatDuration(184)).toBe('3m04s');
    expect(formatDuration(3720)).toBe('1h02m');
    expect(formatDuration(Number.NaN)).toBe('?');
  });
});
