import { describe, expect, it } from 'vitest';
import { formatVerifyTable, runVerify, VERIFY_TOLERANCE } from './verify';

describe('verify (one map per family: the full command uses three)', () => {
  it('every exact-mode meta-gradient matches float64 finite differences, and so does the float64 IFT', () => {
    const report = runVerify({ tasks: 1, seed: 1 });
    expect(report.cases).toHaveLength(10);
    for (const c of report.cases) {
      expect(c.gradientNorm).toBeGreaterThan(1e-4);
      expect(c.tfjsRelativeError).toBeLessThanOrEqual(VERIFY_TOLERANCE.tfjs);
      expect(c.float64RelativeError).toBeLessThanOrEqual(VERIFY_TOLERANCE.float64);
    }
    expect(report.pass).toBe(true);
    expect(formatVerifyTable(report).split('\n')).toHaveLength(13);
  }, 600_000); // heavy: ten float64 finite-difference gradients (measured 60-160 s, load-dependent)
});
