import { Random } from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CategoricalMLPPolicy } from './categorical-mlp';
import { GaussianMLPPolicy } from './gaussian-mlp';
import type { Policy } from './policy';
import { point } from './test-utils/derivatives';

/** sample(obs of k blocks, k generators) vs k separate calls with equally seeded generators. */
function blocksMatchSeparateCalls(policy: Policy, obsDim: number) {
  const rows = 5;
  const seeds = [11, 12, 13];
  const obs = point(3, seeds.length * rows * obsDim, 1.3);
  const params = policy.init(4);
  try {
    const together = tf.tidy(() =>
      Array.from(
        policy.sample(
          params,
          policy.obsTensor(obs),
          seeds.map((s) => new Random(s)),
        ),
      ),
    );
    const separate = seeds.flatMap((s, j) =>
      tf.tidy(() =>
        Array.from(
          policy.sample(
            params,
            policy.obsTensor(obs.subarray(j * rows * obsDim, (j + 1) * rows * obsDim)),
            new Random(s),
          ),
        ),
      ),
    );
    expect(together).toEqual(separate);
    const tooFew = policy.obsTensor(obs.subarray(0, 4 * obsDim));
    expect(() =>
      policy.sample(params, tooFew, [new Random(1), new Random(2), new Random(3)]),
    ).toThrow(/4 observations do not split into 3 equal blocks/);
    tooFew.dispose();
  } finally {
    params.dispose();
  }
}

describe('Policy.sample with one generator per block of rows', () => {
  it('gaussian-mlp: each block is drawn exactly as a separate call with its generator', () => {
    blocksMatchSeparateCalls(new GaussianMLPPolicy({ obsDim: 3, actDim: 2, hidden: [4] }), 3);
  });
  it('categorical-mlp: each block is drawn exactly as a separate call with its generator', () => {
    blocksMatchSeparateCalls(
      new CategoricalMLPPolicy({ obsDim: 3, numActions: 4, hidden: [4], outputScale: 1 }),
      3,
    );
  });
});
