import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ObservationNormalizer } from './normalizer';
import { point } from './test-utils/derivatives';

describe('ObservationNormalizer', () => {
  it('merges batches into the same mean and variance as one pass over all data', () => {
    const dim = 3;
    const data = point(1, 100 * dim, 2, 5);
    const n = new ObservationNormalizer(dim);
    n.update(data.subarray(0, 7 * dim));
    n.update(tf.tensor2d(Float32Array.from(data.subarray(7 * dim, 60 * dim)), [53, dim]));
    n.update(data.subarray(60 * dim));
    expect(n.count).toBe(100);
    for (let d = 0; d < dim; d++) {
      const col = Array.from({ length: 100 }, (_, i) => data[i * dim + d]!);
      const m = col.reduce((a, b) => a + b, 0) / 100;
      const v = col.reduce((a, b) => a + (b - m) ** 2, 0) / 100;
      expect(n.mean[d]).toBeCloseTo(m, 6);
      expect(n.variance[d]).toBeCloseTo(v, 5);
    }
  });

  it('is the identity (up to clipping) before any update, and clips afterwards', () => {
    const n = new ObservationNormalizer(2, { clip: 3 });
    const x = tf.tensor2d([
      [1, -2],
      [5, 0.5],
    ]);
    expect(Array.from(n.normalize(x).dataSync())).toEqual([1, -2, 3, 0.5]);
    n.update([0, 0, 2, 2]); // mean 1, var 1 in both dims
    const z = Array.from(n.normalize(x).dataSync());
    expect(z[0]).toBeCloseTo(0, 6);
    expect(z[1]).toBeCloseTo(-3, 5); // (-2 - 1) / 1, exactly at the clip
    expect(z[2]).toBe(3); // (5 - 1) / 1 = 4, clipped
    x.dispose();
  });

  it('round-trips through JSON exactly and rejects malformed statistics', () => {
    const n = new ObservationNormalizer(2, { clip: 5, epsilon: 1e-6 });
    n.update(point(3, 20, 1.3, 0.2));
    const copy = ObservationNormalizer.fromJSON(JSON.parse(JSON.stringify(n.toJSON())), 2);
    expect(copy.toJSON()).toEqual(n.toJSON());
    expect(() => ObservationNormalizer.fromJSON({ ...n.toJSON(), var: [1, -1] }, 2)).toThrow(
      /var\[1\] must be >= 0, got -1/,
    );
    expect(() => ObservationNormalizer.fromJSON(n.toJSON(), 3)).toThrow(
      /mean has 2 entries, expected 3/,
    );
    expect(() => n.update([1, 2, 3])).toThrow(/3 numbers is not a whole number of 2-dimensional/);
  });
});
