import type { Scalar, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gradient } from './autodiff';
import { packParams, paramCount, unpackParams } from './flat-params';

describe('flat parameters', () => {
  const shapes = [[2, 3], [3], [1, 1, 2]] as const;

  it('round-trips pack -> unpack exactly', () => {
    const pieces = shapes.map((s, i) =>
      tf.reshape(tf.add(tf.range(0, paramCount([s])), i * 10), [...s]),
    );
    const flat = packParams(pieces);
    expect(flat.shape).toEqual([paramCount(shapes)]);
    const back = unpackParams(flat, shapes);
    back.forEach((t, i) => {
      expect(t.shape).toEqual([...shapes[i]!]);
      expect(Array.from(t.dataSync())).toEqual(Array.from(pieces[i]!.dataSync()));
    });
  });

  it('is differentiable with respect to the flat vector', () => {
    const flat = tf.tensor1d(Float32Array.from({ length: 11 }, (_, i) => i / 10));
    // f = sum(W^2) + 3 sum(b): grad is 2W on W's slots and 3 on b's
    const f = (x: Tensor1D) => {
      const [W, b] = unpackParams(x, shapes) as [tf.Tensor, tf.Tensor, tf.Tensor];
      return tf.add(tf.sum(tf.square(W)), tf.mul(3, tf.sum(b))) as Scalar;
    };
    const g = gradient(f, flat).dataSync();
    for (let i = 0; i < 6; i++) expect(g[i]).toBeCloseTo((2 * i) / 10, 6);
    for (let i = 6; i < 9; i++) expect(g[i]).toBe(3);
    for (let i = 9; i < 11; i++) expect(g[i]).toBe(0);
  });

  it('rejects a vector of the wrong size or rank with a clear message', () => {
    expect(() => unpackParams(tf.zeros([10]), shapes)).toThrow(
      /has 10 entries but the shapes need 11/,
    );
    expect(() => unpackParams(tf.zeros([11, 1]), shapes)).toThrow(/expected a 1-D tensor/);
    expect(() => packParams([])).toThrow(/at least one/);
  });
});
