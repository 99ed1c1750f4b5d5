import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { scoped } from './scope';

describe('scoped', () => {
  it('returns plain values and disposes every tensor created inside, even on throw', () => {
    const before = tf.memory().numTensors;
    const out = scoped(() => {
      const x = tf.tensor1d([1, 2, 3]);
      return { sum: tf.sum(tf.square(x)).dataSync()[0], values: Float64Array.from(x.dataSync()) };
    });
    expect(out.sum).toBe(14);
    expect(Array.from(out.values)).toEqual([1, 2, 3]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() =>
      scoped(() => {
        tf.ones([4]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(tf.memory().numTensors).toBe(before);
  });
});
