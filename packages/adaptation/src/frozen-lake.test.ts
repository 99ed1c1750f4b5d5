import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { exactData } from './data';
import { type Distance, forwardKL, l2, reverseKL } from './distances';
import { adapt } from './operator';
import { exactTerms, frozenLakeModel, returnOf } from './test-fixtures';

// Exact mode on the 4x4 high-variance Frozen Lake map (gamma 0.8, H 49) from the uniform prior
// (all logits 0): nu is the normalized finite-horizon visitation, A the stationary advantage.
// Lambdas: the authors' test-time 0.1 (Alg(1)) and 0.2 (Alg(2)); Alg(3) needs its own scale
// (the paper gives none): 0.05.
const model = frozenLakeModel();

describe('exact mode on Frozen Lake', () => {
  const cases: [string, Distance, number][] = [
    ['Alg(1) forward KL', forwardKL, 0.1],
    ['Alg(2) reverse KL', reverseKL, 0.2],
    ['Alg(3) l2', l2, 0.05],
  ];
  it.each(cases)(
    '%s raises J from the uniform prior and reaches stationarity',
    (_, distance, lambda) => {
      const phi = tf.zeros([64]) as tf.Tensor1D;
      const { data, J } = exactTerms(model, phi);
      const { params, diagnostics } = adapt(phi, data, {
        distance,
        lambda,
        solver: { kind: 'newton' },
      });
      const Jafter = returnOf(model, params);
      expect(diagnostics.converged).toBe(true);
      expect(diagnostics.gradNorm).toBeLessThan(1e-5);
      expect(Jafter).toBeGreaterThan(J + 0.5);
      tf.dispose([phi, params]);
    },
  );

  it.each([
    ['reverse KL', reverseKL, 0.05],
    ['forward KL', forwardKL, 0.05],
    ['l2', l2, 2],
  ] as [string, Distance, number][])(
    'the constrained variant (%s) is active with D2 = delta, and raises J',
    (_, distance, delta) => {
      const phi = tf.zeros([64]) as tf.Tensor1D;
      const { data, J } = exactTerms(model, phi);
      const { params, diagnostics } = adapt(phi, data, { kind: 'constrained', distance, delta });
      const c = diagnostics.constraint;
      expect(c?.active).toBe(true);
      expect(c?.satisfied).toBe(true);
      expect(Math.abs((c?.distance ?? 0) - delta)).toBeLessThan(1e-4);
      expect(c?.multiplier).toBeGreaterThan(0);
      expect(diagnostics.lambda).toBe(c?.multiplier);
      expect(diagnostics.converged).toBe(true);
      expect(returnOf(model, params)).toBeGreaterThan(J + 0.1);
      tf.dispose([phi, params]);
    },
  );

  it('the constrained multiplier is the lambda whose penalized solution has D2 = delta', () => {
    const phi = tf.zeros([64]) as tf.Tensor1D;
    const { data } = exactTerms(model, phi);
    const constrained = adapt(phi, data, { kind: 'constrained', distance: reverseKL, delta: 0.1 });
    const mu = constrained.diagnostics.constraint?.multiplier ?? 0;
    const penalized = adapt(phi, data, { distance: reverseKL, lambda: mu });
    expect(penalized.diagnostics.distance).toBeCloseTo(0.1, 4);
    tf.dispose([phi, constrained.params, penalized.params]);
  });

  it('reports an inactive constraint (multiplier 0) when no direction improves L', () => {
    const data = exactData({
      nStates: 2,
      nActions: 2,
      visitation: [0.5, 0.5],
      advantages: [0, 0, 0, 0],
    });
    const phi = tf.tensor1d([0.3, -0.3, 0, 1]);
    const { params, diagnostics } = adapt(phi, data, {
      kind: 'constrained',
      distance: forwardKL,
      delta: 0.1,
    });
    expect(diagnostics.constraint?.active).toBe(false);
    expect(diagnostics.constraint?.multiplier).toBe(0);
    expect(diagnostics.distance).toBeLessThan(1e-6);
    tf.dispose([phi, params]);
  });

  it("MAML's exact policy-gradient step raises J, and k steps take fresh exact data each step", () => {
    const phi = tf.zeros([64]) as tf.Tensor1D;
    const { data, J } = exactTerms(model, phi);
    const one = adapt(phi, data, { kind: 'maml', alpha: 10 });
    const J1 = returnOf(model, one.params);
    let collected = 0;
    const three = adapt(phi, data, {
      kind: 'maml',
      alpha: 10,
      steps: 3,
      collect: (theta) => {
        collected++;
        return exactTerms(model, theta).data;
      },
    });
    const J3 = returnOf(model, three.params);
    expect(J1).toBeGreaterThan(J);
    expect(J3).toBeGreaterThan(J1);
    expect(collected).toBe(2);
    expect(three.diagnostics.steps).toBe(3);
    // With the visitation mass the step follows (approximately) grad J itself: a bigger step.
    const scaled = adapt(phi, data, { kind: 'maml', alpha: 10, scaleByVisitationMass: true });
    expect(scaled.diagnostics.distance).toBeGreaterThan(one.diagnostics.distance);
    tf.dispose([phi, one.params, three.params, scaled.params]);
  });
});
