import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { exactData, sampledData } from './data';
import { forwardKL, l2, reverseKL } from './distances';
import { AdaptationError } from './errors';
import { adapt } from './operator';
import { TestTabularPolicy } from './test-fixtures';

const data = exactData({
  nStates: 2,
  nActions: 2,
  visitation: [0.5, 0.5],
  advantages: [1, -1, 0, 0],
});
const policy = new TestTabularPolicy(2, 2);

describe('bad inputs fail clearly', () => {
  it('lambda <= 0 points to the constrained variant', () => {
    const phi = tf.zeros([4]) as tf.Tensor1D;
    for (const lambda of [0, -1, Number.NaN]) {
      expect(() => adapt(phi, data, { distance: forwardKL, lambda })).toThrow(AdaptationError);
    }
    expect(() => adapt(phi, data, { distance: forwardKL, lambda: 0 })).toThrow(
      'adapt: lambda must be > 0, got 0; use the constrained variant (delta) for a hard trust region',
    );
    expect(() => adapt(phi, data, { kind: 'constrained', distance: l2, delta: 0 })).toThrow(
      /delta must be a finite number > 0/,
    );
    expect(() => adapt(phi, data, { kind: 'maml', alpha: -0.1 })).toThrow(
      /alpha must be a finite number > 0/,
    );
    phi.dispose();
  });

  it('an empty batch', () => {
    const empty = {
      observations: tf.tensor1d([], 'int32'),
      actions: tf.tensor1d([], 'int32'),
      advantages: new Float32Array(0),
    };
    expect(() => sampledData(policy, empty)).toThrow(/the batch is empty/);
    tf.dispose([empty.observations, empty.actions]);
  });

  it('mismatched shapes name the field', () => {
    const phi = tf.zeros([5]) as tf.Tensor1D;
    expect(() => adapt(phi, data, { distance: reverseKL, lambda: 1 })).toThrow(
      /phi has 5 entries but exact mode needs the nStates\*nActions = 4 logits table/,
    );
    expect(() =>
      exactData({ nStates: 2, nActions: 2, visitation: [1], advantages: [0, 0, 0, 0] }),
    ).toThrow(/data.visitation must have nStates = 2 entries/);
    expect(() =>
      exactData({ nStates: 2, nActions: 2, visitation: [0.5, 0.5], advantages: [0, 0, 0] }),
    ).toThrow(/data.advantages must have nStates\*nActions = 4 entries/);
    expect(() =>
      exactData({ nStates: 2, nActions: 2, visitation: [2, 2], advantages: [0, 0, 0, 0] }),
    ).toThrow(/pass the NORMALIZED discounted visitation/);
    const obs = tf.tensor1d([0, 1, 1], 'int32');
    const act = tf.tensor1d([0, 1], 'int32');
    expect(() =>
      sampledData(policy, { observations: obs, actions: act, advantages: new Float32Array(3) }),
    ).toThrow(/batch.actions has 2 rows but batch.observations has 3/);
    expect(() =>
      sampledData(policy, { observations: obs, actions: obs, advantages: new Float32Array(2) }),
    ).toThrow(/batch.advantages has 2 entries but the batch has 3 samples/);
    expect(() => adapt(phi, data, { kind: 'maml', alpha: 0.1, steps: 2 })).toThrow(/needs collect/);
    tf.dispose([phi, obs, act]);
  });

  it('NaN advantages', () => {
    expect(() =>
      exactData({
        nStates: 2,
        nActions: 2,
        visitation: [0.5, 0.5],
        advantages: [0, Number.NaN, 0, 0],
      }),
    ).toThrow(/data.advantages\[1\] is NaN/);
    const obs = tf.tensor1d([0, 1], 'int32');
    expect(() =>
      sampledData(policy, {
        observations: obs,
        actions: obs,
        advantages: Float32Array.from([1, Number.NaN]),
      }),
    ).toThrow(/batch.advantages\[1\] is NaN/);
    obs.dispose();
  });

  it('the closed form is refused where it does not apply', () => {
    const phi = tf.zeros([4]) as tf.Tensor1D;
    expect(() =>
      adapt(phi, data, { distance: forwardKL, lambda: 1, solver: { kind: 'closed-form' } }),
    ).toThrow(/the closed form exists only in exact mode with reverseKL/);
    phi.dispose();
  });
});
