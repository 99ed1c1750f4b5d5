import { centralHessianVectorProduct, Random, relativeError } from '@bomrl/core';
import { GaussianMLPPolicy, type Policy } from '@bomrl/policies';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { JobContext } from '../executor/executor';
import { InProcessExecutor } from '../executor/in-process-executor';
import { JobCache } from '../executor/job-cache';
import type { Sampler } from '../sampling/sampler';
import { meanKlFisher, shardedKlFisher, taskKlFisherVector } from './kl-fisher';

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

// Fisher jobs never sample
const noSampler: Sampler<unknown> = {
  sample: () => Promise.reject(new Error('kl-fisher jobs do not sample')),
  close: () => {},
};

/**
 * Float64 reference of a one-hidden-layer Gaussian MLP policy (layout of mlpShapes: W1 [in,h]
 * row-major, b1, W2 [h,out], b2, then the log-stds): the mean over tasks of each task's mean
 * KL(pi_phi || pi_x) over its observations.
 */
function meanKl64(
  phi: Float64Array,
  obs: readonly Float32Array[],
  o: number,
  h: number,
  a: number,
) {
  const dist = (p: Float64Array, s: Float32Array, row: number) => {
    const hidden = Array.from({ length: h }, (_, j) => {
      let z = p[o * h + j]!;
      for (let i = 0; i < o; i++) z += s[row * o + i]! * p[i * h + j]!;
      return Math.tanh(z);
    });
    const w2 = o * h + h;
    const mean = Array.from({ length: a }, (_, k) => {
      let m = p[w2 + h * a + k]!;
      for (let j = 0; j < h; j++) m += hidden[j]! * p[w2 + j * a + k]!;
      return m;
    });
    return { mean, logStd: Array.from({ length: a }, (_, k) => p[w2 + h * a + a + k]!) };
  };
  return (x: Float64Array) => {
    let total = 0;
    for (const s of obs) {
      const rows = s.length / o;
      let sum = 0;
      for (let r = 0; r < rows; r++) {
        const p = dist(phi, s, r);
        const q = dist(x, s, r);
        for (let k = 0; k < a; k++) {
          const vp = Math.exp(2 * p.logStd[k]!);
          const vq = Math.exp(2 * q.logStd[k]!);
          sum +=
            q.logStd[k]! - p.logStd[k]! + (vp + (p.mean[k]! - q.mean[k]!) ** 2) / (2 * vq) - 0.5;
        }
      }
      total += sum / rows;
    }
    return total / obs.length;
  };
}

describe('shardedKlFisher (one job per task, summed in task order)', () => {
  const policy = new GaussianMLPPolicy({ obsDim: 3, actDim: 2, hidden: [4], logStdInit: -0.5 });
  const phi = normals(3, policy.paramCount, 0.5);
  const v = normals(4, policy.paramCount);
  // tasks of different sizes: each task's share must carry its own 1 / rows
  const obs = [7, 12, 4].map((rows, i) => Float32Array.from(normals(40 + i, rows * 3)));

  it('equals meanKlFisher on all tasks and float64 central differences of the mean KL', async () => {
    const executor = new InProcessExecutor({ policy, sampler: noSampler });
    const tensors = obs.map((o) => policy.obsTensor(o));
    const whole = meanKlFisher(policy, phi, tensors);
    try {
      const sharded = await shardedKlFisher(executor, 'call-1', phi, obs)(v);
      // float32 rounding of two summation orders (per task, summed in float64, vs one weighted
      // float32 reduction over all rows): 3e-8 measured; 1e-6 leaves room and still catches a
      // wrong weight (a task weighted by 1/rows of all tasks is off by tens of percent)
      expect(relativeError(sharded, whole.fisherVector(v))).toBeLessThanOrEqual(1e-6);
      const expected = centralHessianVectorProduct(meanKl64(phi, obs, 3, 4, 2), phi, v);
      // float64 central differences (h = 1e-4: ~1e-8 relative truncation and rounding) vs the
      // float32 operator (float32 rounding, fastTanh's abs. error <= 2e-7): 4e-8 measured;
      // 1e-5 allows for other seeds and still fails on any wrong term or weight
      expect(relativeError(sharded, expected)).toBeLessThanOrEqual(1e-5);
    } finally {
      whole.dispose();
      tf.dispose(tensors);
      await executor.close();
    }
  });

  it('reuses a task operator within a call; a miss rebuilds the same floats; nothing leaks', () => {
    const before = tf.memory().numTensors;
    const ctx: JobContext = { policy, sampler: noSampler, cache: new JobCache() };
    const shared = { call: 'a', phi, v };
    const first = taskKlFisherVector(ctx, shared, { index: 1, observations: obs[1]! });
    expect(ctx.cache.size).toBe(1);
    const cached = tf.memory().numTensors;
    for (let k = 0; k < 4; k++) {
      const again = taskKlFisherVector(ctx, shared, { index: 1, observations: obs[1]! });
      expect(Array.from(again)).toEqual(Array.from(first));
      expect(tf.memory().numTensors).toBe(cached);
    }
    // another worker (a fresh cache) builds the operator again: bit-identical
    const other: JobContext = { policy, sampler: noSampler, cache: new JobCache() };
    const rebuilt = taskKlFisherVector(other, shared, { index: 1, observations: obs[1]! });
    expect(Array.from(rebuilt)).toEqual(Array.from(first));
    other.cache.clear();
    // a new call frees the previous call's operators before building its own
    taskKlFisherVector(ctx, { ...shared, call: 'b' }, { index: 0, observations: obs[0]! });
    expect(ctx.cache.size).toBe(1);
    ctx.cache.clear();
    expect(tf.memory().numTensors).toBe(before);
  });
});
