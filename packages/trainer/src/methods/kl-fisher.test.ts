import { Random, relativeError } from '@bomrl/core';
import { GaussianMLPPolicy, type Policy } from '@bomrl/policies';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { meanKlFisher } from './kl-fisher';

const normals = (seed: number, n: number, scale = 1) => {
  const r = new Random(seed);
  return Float64Array.from(Float32Array.from({ length: n }, () => scale * r.normal()));
};

describe('meanKlFisher', () => {
  // Tasks with different numbers of observations: the analytic path must weight each row by
  // 1 / (tasks * rows of its task), i.e. the mean over tasks of per-task means.
  const policy = new GaussianMLPPolicy({ obsDim: 3, actDim: 2, hidden: [6, 5], logStdInit: -0.5 });
  const phi = normals(1, policy.paramCount, 0.5);
  const v = normals(2, policy.paramCount);
  // the same policy without its analytic operator: the double-backprop fallback
  const plain: Policy = Object.assign(Object.create(policy) as Policy, { fisher: undefined });

  it('the analytic operator equals double-backprop Hessian-vector products of the mean KL', () => {
    const obs = [7, 12, 4].map((rows, i) => policy.obsTensor(normals(10 + i, rows * 3)));
    const fast = meanKlFisher(policy, phi, obs);
    const slow = meanKlFisher(plain, phi, obs);
    try {
      // float32 rounding of two different computation orders: ~1e-6 relative
      expect(relativeError(fast.fisherVector(v), slow.fisherVector(v))).toBeLessThanOrEqual(1e-4);
    } finally {
      fast.dispose();
      slow.dispose();
      tf.dispose(obs);
    }
  });

  it('keeps tf.memory().numTensors flat across products and frees everything on dispose', () => {
    const obs = [5, 8].map((rows, i) => policy.obsTensor(normals(20 + i, rows * 3)));
    const before = tf.memory().numTensors;
    const fast = meanKlFisher(policy, phi, obs);
    fast.fisherVector(v);
    const cached = tf.memory().numTensors;
    for (let k = 0; k < 5; k++) {
      fast.fisherVector(normals(30 + k, policy.paramCount));
      expect(tf.memory().numTensors).toBe(cached);
    }
    fast.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(obs);
  });
});
