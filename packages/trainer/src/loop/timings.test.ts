import { describe, expect, it } from 'vitest';
import { splitTimings } from './timings';

describe('splitTimings', () => {
  it('moves every *Seconds key to the timings row and keeps the rest as metrics', () => {
    const row = { iteration: 3, objective: 1.5, lowerLevelSeconds: 2.25, samplingSeconds: 0.5 };
    const { metrics, timings } = splitTimings(row);
    expect(metrics).toEqual({ iteration: 3, objective: 1.5 });
    expect(timings).toEqual({ iteration: 3, lowerLevelSeconds: 2.25, samplingSeconds: 0.5 });
  });

  it('returns the row untouched and no timings when it has no wall-clock keys', () => {
    const row = { iteration: 0, objective: -2 };
    const { metrics, timings } = splitTimings(row);
    expect(metrics).toBe(row);
    expect(timings).toBeUndefined();
  });
});
