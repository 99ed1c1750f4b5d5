import { Rng } from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type AdaptationData, sampledData } from './data';
import { forwardKL, l2, reverseKL } from './distances';
import { policyGradientStep } from './maml';
import { adapt } from './operator';
import {
  exactTerms,
  frozenLakeModel,
  randomExactProblem,
  TestTabularPolicy,
} from './test-fixtures';

function maxAbsDiff(a: tf.Tensor1D, b: tf.Tensor1D): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

/** A batch of 64 (s, a, A) samples for the 5-state, 3-action test policy. */
function sampledProblem(seed: number): {
  data: AdaptationData;
  phi: tf.Tensor1D;
  policy: TestTabularPolicy;
} {
  const rng = new Rng(seed);
  const policy = new TestTabularPolicy(5, 3);
  const B = 64;
  const states = Int32Array.from({ length: B }, () => rng.int(5));
  const actions = Int32Array.from({ length: B }, () => rng.int(3));
  const data = sampledData(policy, {
    observations: tf.tensor1d(states, 'int32'),
    actions: tf.tensor1d(actions, 'int32'),
    advantages: Float32Array.from({ length: B }, () => rng.normal()),
    weights: Float32Array.from({ length: B }, (_, i) => 0.9 ** (i % 8)),
  });
  const phi = tf.tensor1d(Float32Array.from({ length: 15 }, () => 0.3 * rng.normal()));
  return { data, phi, policy };
}

describe('reductions', () => {
  it('linearized L with the l2 distance is one PG step with alpha = 1 / (2 lambda) (exact mode)', () => {
    const model = frozenLakeModel();
    const phi = tf.zeros([64]) as tf.Tensor1D;
    const { data } = exactTerms(model, phi);
    for (const lambda of [0.05, 0.5]) {
      const op = adapt(phi, data, { distance: l2, lambda, surrogate: { linearize: true } });
      const pg = policyGradientStep(phi, data, 1 / (2 * lambda));
      const maml = adapt(phi, data, { kind: 'maml', alpha: 1 / (2 * lambda) });
      expect(op.diagnostics.converged).toBe(true);
      expect(maxAbsDiff(op.params, pg)).toBeLessThan(1e-6);
      expect(maxAbsDiff(maml.params, pg)).toBe(0);
      expect(maml.diagnostics.lambda).toBeCloseTo(lambda, 12);
      tf.dispose([op.params, pg, maml.params]);
    }
    phi.dispose();
  });

  it('linearized L with the l2 distance is one PG step with alpha = 1 / (2 lambda) (sampled mode)', () => {
    const { data, phi } = sampledProblem(3);
    const lambda = 0.25;
    const op = adapt(phi, data, {
      distance: l2,
      lambda,
      surrogate: { linearize: true },
      solver: { kind: 'newton' },
    });
    const pg = policyGradientStep(phi, data, 1 / (2 * lambda));
    expect(op.diagnostics.converged).toBe(true);
    expect(maxAbsDiff(op.params, pg)).toBeLessThan(1e-6);
    tf.dispose([op.params, pg, phi]);
  });

  it.each([forwardKL, reverseKL, l2])(
    'theta -> phi as lambda grows, with D2 decreasing monotonically ($name)',
    (distance) => {
      const { data, phiValues } = randomExactProblem(5, 3, 5);
      const phi = tf.tensor1d(phiValues);
      const distances: number[] = [];
      const gaps: number[] = [];
      for (const lambda of [0.1, 1, 10, 100, 1000]) {
        // float32 floor of ||grad G||: lambda * (rounding of theta), so the tolerance scales with it.
        const tol = Math.max(1e-5, 1e-7 * lambda);
        const r = adapt(phi, data, { distance, lambda, solver: { kind: 'newton', tol } });
        expect(r.diagnostics.converged).toBe(true);
        distances.push(r.diagnostics.distance);
        gaps.push(maxAbsDiff(r.params, phi));
        r.params.dispose();
      }
      for (let i = 1; i < distances.length; i++) {
        expect(distances[i]).toBeLessThan(distances[i - 1] as number);
        expect(gaps[i]).toBeLessThan(gaps[i - 1] as number);
      }
      expect(gaps[gaps.length - 1]).toBeLessThan(5e-3);
      phi.dispose();
    },
  );
});
