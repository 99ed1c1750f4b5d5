import { Rng } from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CategoricalMLPPolicy } from './categorical-mlp';
import { loadPolicy } from './serialization';
import { StatefulPolicy } from './stateful';

describe('StatefulPolicy', () => {
  it('owns a copy of its parameters and forwards to the functional policy', () => {
    const policy = new CategoricalMLPPolicy({ obsDim: 2, nActions: 3, hidden: [4] });
    const before = tf.memory().numTensors;
    const s = StatefulPolicy.init(policy, 1);
    const obs = policy.obsTensor([0.5, -1, 2, 0]);
    const a = s.sample(obs, new Rng(2));
    expect(a).toBeInstanceOf(Int32Array);
    expect(a.length).toBe(2);
    const actions = policy.actionTensor(a);
    const direct = policy.logProb(s.params, obs, actions);
    const wrapped = s.logProb(obs, actions);
    expect(Array.from(wrapped.dataSync())).toEqual(Array.from(direct.dataSync()));
    const other = policy.init(5);
    s.setParams(other);
    other.dispose(); // the wrapper kept its own copy
    expect(s.params.isDisposed).toBe(false);
    const { policy: back, params } = loadPolicy(s.toJSON());
    expect(back.describe()).toBe(policy.describe());
    tf.dispose([obs, actions, direct, wrapped, params]);
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
