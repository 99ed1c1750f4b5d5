import { relativeError } from '@bomrl/core';
import { FrozenLake } from '@bomrl/envs';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { lowerLevelData64, returnAndGradient64 } from '../../testing/index';
import {
  disposeTabular,
  finiteHorizonReturn,
  tabularPolicyTensor,
  tabularTensors,
  visitationAndAdvantage,
} from './tabular-tf';

const family = FrozenLake.family({ variance: 'high', size: 4 });
const model = family.make(family.sampleTasks(1, 5)[0]!).model();
const phi = Float64Array.from({ length: 64 }, (_, i) => Math.fround(Math.sin(i * 1.7) * 0.6));

describe('exact tabular quantities in tfjs', () => {
  it('J, its gradient, nu and A equal the float64 toolkit (float32 tolerance 1e-5 relative)', () => {
    const m = tabularTensors(model);
    const x = tf.tensor1d(Float32Array.from(phi));
    const { J, grad } = returnAndGradient64(model, phi);
    expect(finiteHorizonReturn(m, x).dataSync()[0]).toBeCloseTo(J, 5);
    const g = tf.grad((l) => finiteHorizonReturn(m, l as Tensor1D))(x);
    expect(relativeError(g.dataSync(), grad)).toBeLessThan(1e-4);
    const ref = lowerLevelData64(model, phi);
    const { nu, A } = visitationAndAdvantage(m, tabularPolicyTensor(m, x));
    expect(relativeError(nu.dataSync(), ref.visitation)).toBeLessThan(1e-5);
    expect(relativeError(A.dataSync(), ref.advantages)).toBeLessThan(1e-4);
    disposeTabular(m);
  });

  it('leaks no tensors', () => {
    const m = tabularTensors(model);
    const x = tf.tensor1d(Float32Array.from(phi));
    const once = () =>
      tf.tidy(() => {
        finiteHorizonReturn(m, x);
        visitationAndAdvantage(m, tabularPolicyTensor(m, x));
      });
    once();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) once();
    expect(tf.memory().numTensors).toBe(before);
    disposeTabular(m);
  });
});
