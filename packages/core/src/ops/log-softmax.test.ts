import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { logSoftmax, logSumExp } from './log-softmax';

describe('logSumExp / logSoftmax', () => {
  it('are stable for large logits and match float64 values', () => {
    const rows = [
      [1000, 1001, 999],
      [-3, 0.5, 2],
    ];
    const lse = logSumExp(tf.tensor2d(rows), -1).dataSync();
    rows.forEach((r, i) => {
      const m = Math.max(...r);
      const ref = m + Math.log(r.reduce((s, v) => s + Math.exp(v - m), 0));
      // float32 spacing near 1001 is 6e-5: allow a few ulps, no more
      expect(Math.abs(lse[i]! - ref)).toBeLessThanOrEqual(4 * 2 ** -23 * Math.abs(ref));
    });
    const ls = logSoftmax(tf.tensor2d(rows)).arraySync() as number[][];
    // x - lse at x ~ 1000 carries lse's float32 rounding (~1e-5 absolute) into every entry
    for (const row of ls) {
      expect(Math.abs(row.reduce((s, v) => s + Math.exp(v), 0) - 1)).toBeLessThan(1e-4);
    }
  });

  it('keeps dims on request and reduces any axis', () => {
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    expect(logSumExp(x, 0, true).shape).toEqual([1, 2]);
    const col = logSumExp(x, 0).dataSync();
    expect(col[0]).toBeCloseTo(Math.log(Math.exp(1) + Math.exp(3)), 5);
  });
});
