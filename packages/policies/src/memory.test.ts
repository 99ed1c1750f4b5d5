import { hessianVectorProduct, Rng } from '@bomrl/core';
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CategoricalMLPPolicy } from './categorical-mlp';
import { GaussianMLPPolicy } from './gaussian-mlp';
import type { Policy } from './policy';
import { TabularSoftmaxPolicy } from './tabular-softmax';
import { f32, point } from './test-utils/derivatives';

const cases: { policy: Policy; obs: number[] }[] = [
  { policy: new TabularSoftmaxPolicy({ nStates: 4, nActions: 3 }), obs: [0, 1, 3, 2] },
  {
    policy: new CategoricalMLPPolicy({ obsDim: 3, nActions: 3, hidden: [5], normalizer: true }),
    obs: Array.from(point(1, 12)),
  },
  {
    policy: new GaussianMLPPolicy({ obsDim: 3, actDim: 2, hidden: [5, 5], normalizer: true }),
    obs: Array.from(point(2, 12)),
  },
];

describe('tensor memory', () => {
  for (const { policy, obs: obsValues } of cases) {
    it(`${policy.kind}: no tensors leak across logProb, kl, entropy, sample, mode and HVPs`, () => {
      const obs = policy.obsTensor(obsValues);
      const phi = policy.init(0);
      const theta = f32(point(3, policy.paramCount, 0.2));
      const actions = policy.actionTensor(policy.sample(phi, obs, new Rng(1)));
      const round = () => {
        tf.dispose([
          policy.logProb(theta, obs, actions),
          policy.kl(phi, theta, obs),
          policy.entropy(theta, obs),
          hessianVectorProduct((x: Tensor1D) => tf.mean(policy.kl(phi, x, obs)), theta, phi),
          hessianVectorProduct(
            (x: Tensor1D) => tf.mean(tf.exp(tf.sub(policy.logProb(x, obs, actions), 1))),
            theta,
            phi,
          ),
        ] as Tensor[]);
        const d = policy.distribution(theta, obs);
        tf.dispose(Object.values(d).filter((v): v is Tensor => v instanceof tf.Tensor));
        policy.sample(theta, obs, new Rng(2));
        policy.mode(theta, obs);
      };
      round();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) round();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([obs, phi, theta, actions]);
    });
  }
});
