import { Rng } from '@bomrl/envs';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { selectBackend } from '../backend';
import { unpackParams } from '../flat-params';

const initial = tf.getBackend();

/** [shape, begin, size] cases: contiguous (fast path) and strided (tfjs's kernel) slices. */
const CASES: readonly [number[], number[], number[]][] = [
  [[19], [0], [19]],
  [[19], [5], [7]],
  [[19], [18], [1]],
  [[19], [4], [0]],
  [
    [6, 5],
    [2, 0],
    [3, 5],
  ], // whole rows: contiguous
  [
    [6, 5],
    [3, 2],
    [1, 3],
  ], // part of one row: contiguous
  [
    [6, 5],
    [1, 1],
    [4, 3],
  ], // a block: strided
  [
    [3, 4, 5],
    [1, 0, 0],
    [2, 4, 5],
  ],
  [
    [3, 4, 5],
    [0, 1, 2],
    [3, 2, 2],
  ],
  [
    [2, 3, 4, 5],
    [1, 2, 0, 0],
    [1, 1, 4, 5],
  ],
  [
    [2, 3, 4, 5],
    [0, 0, 1, 1],
    [2, 3, 2, 3],
  ],
];

function values(shape: number[], seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: tf.util.sizeFromShape(shape) }, () => rng.normal());
}

/** The slice by plain index arithmetic (row-major), independent of any tfjs kernel. */
function referenceSlice(
  data: Float32Array,
  shape: number[],
  begin: number[],
  size: number[],
): Float32Array {
  const out = new Float32Array(size.reduce((a, b) => a * b, 1));
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) {
    let rest = i;
    let from = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      from += (begin[d]! + (rest % size[d]!)) * strides[d]!;
      rest = Math.floor(rest / size[d]!);
    }
    out[i] = data[from]!;
  }
  return out;
}

describe('the wasm Slice kernel (contiguous slices straight from the heap)', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend(initial);
  });

  it('gives the floats of an index-by-index reference for contiguous and strided slices of rank 1-4', () => {
    for (const [k, [shape, begin, size]] of CASES.entries()) {
      const data = values(shape, k);
      const expected = referenceSlice(data, shape, begin, size);
      const got = tf.tidy(() => tf.slice(tf.tensor(data, shape), begin, size));
      expect(got.shape).toEqual(size);
      // a copy of the same float32 values: exact equality, not a tolerance
      expect(Array.from(got.dataSync())).toEqual(Array.from(expected));
      got.dispose();
    }
  });

  it('reads nothing back from the heap for a contiguous slice, and still does for a strided one', () => {
    const backend = tf.backend() as unknown as { readSync: (...a: unknown[]) => unknown };
    const spy = vi.spyOn(backend, 'readSync');
    try {
      const x = tf.tensor2d(values([6, 5], 7), [6, 5]);
      tf.tidy(() => unpackParams(tf.reshape(x, [30]), [[10], [4, 5]]));
      tf.tidy(() => tf.slice(x, [2, 0], [3, 5]));
      expect(spy).not.toHaveBeenCalled();
      // strided: tfjs's own kernel, which reads the input back
      tf.tidy(() => tf.slice(x, [1, 1], [4, 3]));
      expect(spy).toHaveBeenCalled();
      x.dispose();
    } finally {
      spy.mockRestore();
    }
  });

  it("keeps slice's gradient (a pad) and leaks no tensors", () => {
    const x = tf.tensor1d(values([12], 3));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const g = tf.tidy(() =>
        tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.slice(v, [4], [5]))))(x),
      );
      const xs = x.dataSync();
      const expected = Array.from(xs, (v, j) => (j >= 4 && j < 9 ? 2 * v : 0));
      // 2 x in float32 is exact
      expect(Array.from(g.dataSync())).toEqual(expected);
      g.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('installs once however often the backend is selected', async () => {
    await selectBackend('wasm');
    const first = tf.getKernel('Slice', 'wasm')!.kernelFunc;
    await selectBackend('wasm');
    expect(tf.getKernel('Slice', 'wasm')!.kernelFunc).toBe(first);
  });
});
