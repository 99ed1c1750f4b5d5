import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { reverseKLClosedForm } from './closed-form';
import { exactData } from './data';
import { reverseKL } from './distances';
import { adapt } from './operator';
import {
  exactTerms,
  frozenLakeModel,
  maxProbabilityGap,
  randomExactProblem,
} from './test-fixtures';

function rowMeans(x: ArrayLike<number>, nActions: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < x.length; r += nActions) {
    let m = 0;
    for (let a = 0; a < nActions; a++) m += x[r + a] as number;
    out.push(m / nActions);
  }
  return out;
}

describe('Alg(2) closed form', () => {
  it.each([0.3, 1, 3])(
    'equals the Newton solution to 1e-5 in probabilities (random problem, lambda %s)',
    (lambda) => {
      const { data, phiValues } = randomExactProblem(6, 4, 11);
      const phi = tf.tensor1d(phiValues);
      const closed = adapt(phi, data, {
        distance: reverseKL,
        lambda,
        solver: { kind: 'closed-form' },
      });
      const iterative = adapt(phi, data, {
        distance: reverseKL,
        lambda,
        solver: { kind: 'newton' },
      });
      expect(closed.diagnostics.solver).toBe('closed-form');
      expect(closed.diagnostics.gradNorm).toBeLessThan(1e-5);
      expect(iterative.diagnostics.converged).toBe(true);
      expect(maxProbabilityGap(closed.params, iterative.params, 6, 4)).toBeLessThan(1e-5);
      // Gauge: both keep each state's mean logit at phi's.
      const phiMeans = rowMeans(phiValues, 4);
      for (const t of [closed.params, iterative.params]) {
        rowMeans(t.dataSync(), 4).forEach((m, s) =>
          expect(m).toBeCloseTo(phiMeans[s] as number, 5),
        );
      }
      tf.dispose([phi, closed.params, iterative.params]);
    },
  );

  it('equals the Newton solution on Frozen Lake from the uniform prior (lambda 0.2)', () => {
    const model = frozenLakeModel();
    const phi = tf.zeros([64]) as tf.Tensor1D;
    const { data } = exactTerms(model, phi);
    const closed = adapt(phi, data, { distance: reverseKL, lambda: 0.2 });
    const iterative = adapt(phi, data, {
      distance: reverseKL,
      lambda: 0.2,
      solver: { kind: 'newton' },
    });
    expect(closed.diagnostics.solver).toBe('closed-form'); // 'auto' picks it
    expect(iterative.diagnostics.converged).toBe(true);
    expect(maxProbabilityGap(closed.params, iterative.params, 16, 4)).toBeLessThan(1e-5);
    tf.dispose([phi, closed.params, iterative.params]);
  });

  it('is pi_phi exp(A / lambda) normalized, ignores nu > 0, keeps nu = 0 states at phi, and Q gives the same policy', () => {
    const phiValues = Float32Array.from([0.1, -0.2, 0.3, 0.5, 0, -0.5]);
    const A = [1, -1, 0, 0.5, 0.2, -0.7];
    const Q = A.map((a, i) => a + (i < 3 ? 2 : -3)); // V(s) shifts every action of a state alike
    const data = exactData({ nStates: 2, nActions: 3, visitation: [1, 0], advantages: A, q: Q });
    const phi = tf.tensor1d(phiValues);
    const theta = reverseKLClosedForm(phi, data, 0.5).dataSync();
    const fromQ = reverseKLClosedForm(phi, data, 0.5, 'q').dataSync();
    const expected = [0, 1, 2].map((a) => (phiValues[a] as number) + (A[a] as number) / 0.5);
    const shift = (expected[0] as number) - (theta[0] as number);
    [0, 1, 2].forEach((a) => {
      expect(theta[a]).toBeCloseTo((expected[a] as number) - shift, 5);
      expect(fromQ[a]).toBeCloseTo(theta[a] as number, 5);
    });
    [3, 4, 5].forEach((i) => expect(theta[i]).toBe(phiValues[i]));
    phi.dispose();
  });
});
