import { centralGradient, relativeError } from '@bomrl/core';
import { FrozenLake } from '@bomrl/envs';
import { evaluatePolicy, softmaxPolicy, type TabularModel } from '@bomrl/envs/tabular';
import { describe, expect, it } from 'vitest';
import { returnAndGradient64 } from './finite-horizon';
import { iftHypergradient64 } from './ift';
import {
  adaptExact64,
  distance64,
  lowerLevelData64,
  solveConstrained64,
  solvePenalized64,
} from './lower-level';
import { finiteDifferenceHypergradient64, metaObjective64 } from './meta-objective';
import { stateObjective } from './state-problem';

/** Row-wise softmax of a logits table with nActions columns. */
const softmaxTable = (logits: Float64Array, nActions: number) =>
  softmaxPolicy(logits, logits.length / nActions, nActions);

function models(variance: 'high' | 'low', n: number, seed: number): TabularModel[] {
  const family = FrozenLake.family({ variance, size: 4 });
  return family.sampleTasks(n, seed).map((t) => family.make(t).model());
}

function randomLogits(n: number, seed: number, scale = 0.5): Float64Array {
  let x = seed;
  return Float64Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return (x / 2147483648 - 0.5) * 2 * scale;
  });
}

const high = models('high', 2, 3);
const low = models('low', 2, 4);
const n = high[0]!.nStates * high[0]!.nActions;
const phi = randomLogits(n, 11);

describe('float64 reference: exact return and policy gradient', () => {
  it('J equals the envs toolkit and the gradient equals central differences', () => {
    for (const m of [...high, ...low]) {
      const { J, grad } = returnAndGradient64(m, phi);
      expect(J).toBeCloseTo(
        evaluatePolicy(m, softmaxTable(phi, m.nActions), { mode: 'finite' }).J,
        12,
      );
      const fd = centralGradient((x) => returnAndGradient64(m, x).J, phi, 1e-6);
      expect(relativeError(grad, fd)).toBeLessThan(1e-7);
    }
  });
});

describe('float64 reference: lower level', () => {
  const m = high[0]!;
  const A = m.nActions;

  it('Alg(2) Newton solution equals the closed form pi_phi exp(A / lambda)', () => {
    const lambda = 0.7;
    const theta = solvePenalized64(m, phi, 'reverse-kl', lambda);
    const { visitation, advantages } = lowerLevelData64(m, phi);
    const p = softmaxTable(phi, A);
    const q = softmaxTable(theta, A);
    for (let s = 0; s < m.nStates; s++) {
      if (visitation[s] === 0) continue;
      const w = Array.from(
        { length: A },
        (_, a) => p[s * A + a]! * Math.exp(advantages[s * A + a]! / lambda),
      );
      const z = w.reduce((x, y) => x + y, 0);
      for (let a = 0; a < A; a++) expect(Math.abs(q[s * A + a]! - w[a]! / z)).toBeLessThan(1e-10);
    }
  });

  it('keeps each state mean logit (the gauge) for KL distances and moves toward phi as lambda grows', () => {
    let last = Number.POSITIVE_INFINITY;
    for (const lambda of [0.5, 2, 8, 32]) {
      const theta = solvePenalized64(m, phi, 'forward-kl', lambda);
      for (let s = 0; s < m.nStates; s++) {
        const mean = (x: Float64Array) =>
          x.subarray(s * A, s * A + A).reduce((a, b) => a + b, 0) / A;
        expect(mean(theta)).toBeCloseTo(mean(phi), 10);
      }
      const d = distance64(m, phi, theta, 'forward-kl');
      expect(d).toBeLessThan(last);
      last = d;
    }
  });

  it('the constrained solution meets D2 = delta and improves J', () => {
    const delta = 0.05;
    const { theta, multiplier } = solveConstrained64(m, phi, 'reverse-kl', delta);
    expect(distance64(m, phi, theta, 'reverse-kl')).toBeCloseTo(delta, 9);
    expect(multiplier).toBeGreaterThan(0);
    expect(returnAndGradient64(m, theta).J).toBeGreaterThan(returnAndGradient64(m, phi).J);
  });

  it('every operator raises J from the uniform prior on every task', () => {
    const uniform = new Float64Array(n).fill(0.1);
    for (const model of [...high, ...low]) {
      const before = returnAndGradient64(model, uniform).J;
      for (const op of [
        { kind: 'penalty', distance: 'forward-kl', lambda: 1 },
        { kind: 'penalty', distance: 'reverse-kl', lambda: 1 },
        { kind: 'penalty', distance: 'l2', lambda: 0.05 },
        { kind: 'maml', alpha: 1 },
      ] as const) {
        expect(returnAndGradient64(model, adaptExact64(model, uniform, op)).J).toBeGreaterThan(
          before,
        );
      }
    }
  });
});

describe('float64 reference: the implicit hypergradient equals finite differences of F', () => {
  for (const [name, ms] of [
    ['high variance', high],
    ['low variance', low],
  ] as const) {
    for (const op of [
      { kind: 'penalty', distance: 'forward-kl', lambda: 1.5 },
      { kind: 'penalty', distance: 'reverse-kl', lambda: 1.5 },
      { kind: 'penalty', distance: 'l2', lambda: 0.1 },
    ] as const) {
      it(`${name}, ${op.distance}: IFT vs FD relative error <= 1e-5`, () => {
        const ift = iftHypergradient64(ms, phi, op);
        const fd = finiteDifferenceHypergradient64(ms, phi, op);
        expect(relativeError(ift, fd)).toBeLessThan(1e-5);
        expect(Math.hypot(...fd)).toBeGreaterThan(1e-3); // not a vacuous comparison
        expect(Number.isFinite(metaObjective64(ms, phi, op))).toBe(true);
      });
    }
  }
});

describe('float64 reference: per-state derivatives', () => {
  it('gradient and Hessian of G_s equal central differences for every distance', async () => {
    for (const distance of ['forward-kl', 'reverse-kl', 'l2'] as const) {
      const pr = {
        w: 0.3,
        adv: Float64Array.from([0.5, -1, 2, 0.1]),
        phi: Float64Array.from([0.2, -0.4, 1.1, 0]),
        p: softmaxTable(Float64Array.from([0.2, -0.4, 1.1, 0]), 4),
        distance,
        lambda: 0.8,
      };
      const theta = Float64Array.from([1.5, -2, 0.3, 0.7]);
      const at = stateObjective(pr, theta);
      expect(
        relativeError(
          at.grad,
          centralGradient((x) => stateObjective(pr, x).value, theta),
        ),
      ).toBeLessThan(1e-7);
      for (let j = 0; j < 4; j++) {
        const col = centralGradient((x) => stateObjective(pr, x).grad[j]!, theta);
        expect(
          relativeError(
            Array.from({ length: 4 }, (_, i) => at.hess[j * 4 + i]!),
            col,
          ),
        ).toBeLessThan(1e-6);
      }
    }
  });
});

describe('float64 reference: MAML and constrained hypergradients equal finite differences', () => {
  it('MAML (one exact PG step): (I + alpha Hess J) grad J(theta) vs FD <= 1e-5', async () => {
    const { mamlHypergradient64 } = await import('./ift');
    const ift = mamlHypergradient64(high, phi, 2);
    const fd = finiteDifferenceHypergradient64(high, phi, { kind: 'maml', alpha: 2 });
    expect(relativeError(ift, fd)).toBeLessThan(1e-5);
  });

  it('constrained reverse KL: the KKT formula vs FD <= 1e-5', async () => {
    const { constrainedHypergradient64 } = await import('./ift');
    const m = [high[0]!];
    const ift = constrainedHypergradient64(m, phi, 'reverse-kl', 0.05);
    const fd = finiteDifferenceHypergradient64(m, phi, {
      kind: 'constrained',
      distance: 'reverse-kl',
      delta: 0.05,
    });
    expect(relativeError(ift, fd)).toBeLessThan(1e-5);
  });
});

describe('float64 reference: repeated adaptation with a small test-time lambda', () => {
  it('four Alg(1) rounds at lambda 0.1 solve (no singular gauge system) and approach J*', () => {
    for (const m of [...high, ...low]) {
      let theta: Float64Array = new Float64Array(n).fill(0.1);
      const J: number[] = [returnAndGradient64(m, theta).J];
      for (let k = 0; k < 4; k++) {
        theta = solvePenalized64(m, theta, 'forward-kl', 0.1);
        J.push(returnAndGradient64(m, theta).J);
      }
      for (let k = 1; k < J.length; k++) expect(J[k]!).toBeGreaterThanOrEqual(J[k - 1]! - 1e-9);
    }
  });
});
