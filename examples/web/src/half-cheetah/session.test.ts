import { selectBackend } from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCheetahPrior } from './prior';
import priorJson from './prior.json';
import { cheetahFamily, runRound } from './session';

// The shipped prior on a short horizon with a tiny batch: the page's code path, in seconds.
const shipped = checkCheetahPrior(priorJson);
const doc = {
  ...shipped,
  env: { ...shipped.env, horizon: 12 },
  adaptation: { ...shipped.adaptation, episodes: 3, maxSteps: 5 },
};
const evaluation = { episodes: 2, seed: 5000, actions: 'sampled' } as const;

describe('runRound (the page worker computation)', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('is deterministic, leaks no tensors, and reports what it ran', async () => {
    const family = await cheetahFamily(doc);
    const first = runRound(doc, family, 1.5, undefined, 1, evaluation);
    const tensors = tf.memory().numTensors;
    const second = runRound(doc, family, 1.5, undefined, 1, evaluation);
    expect(tf.memory().numTensors).toBe(tensors);
    // same seeds, same numbers: the page's check against Node relies on it
    expect(second.prior.returns).toEqual(first.prior.returns);
    expect(second.adapted.returns).toEqual(first.adapted.returns);
    expect(first.batch.episodes).toBe(3);
    expect(first.lowerLevel.steps).toBeGreaterThan(0);
    expect(first.lowerLevel.kl).toBeGreaterThan(0); // the round moved the policy
    expect(first.adapted.returns).not.toEqual(first.prior.returns);
    // one frame per step plus the reset state; every capsule [x1, z1, x2, z2, r] is finite
    expect(first.prior.frames).toHaveLength(13);
    for (const frame of first.prior.frames) {
      for (const capsule of frame) {
        expect(capsule).toHaveLength(5);
        expect(capsule.every(Number.isFinite)).toBe(true);
      }
    }
    // HalfCheetahVel's reward is -|v - v*| - 0.05 ||a||^2 <= 0 per step
    expect(Math.max(...first.prior.returns, ...first.adapted.returns)).toBeLessThanOrEqual(0);
    // the mean return is the mean of the episodes' returns
    const mean = first.adapted.returns.reduce((a, b) => a + b, 0) / evaluation.episodes;
    expect(first.adapted.meanReturn).toBeCloseTo(mean, 12);
  }, 120_000);

  it('rejects a target velocity outside the family with the family message', async () => {
    const family = await cheetahFamily(doc);
    expect(() => runRound(doc, family, Number.NaN)).toThrow(/velocity/);
  });
});
