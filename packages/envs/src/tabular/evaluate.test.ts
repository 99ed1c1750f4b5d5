import { describe, expect, it } from 'vitest';
import { EnvError } from '../errors';
import { FrozenLake } from '../frozen-lake/family';
import { Rng } from '../rng';
import { randomPolicy } from '../test-utils';
import { adaptationTerms, evaluatePolicy } from './evaluate';
import type { TabularModel } from './model';
import { evaluateSoftmax, softmaxPolicy, uniformPolicy } from './policy';

/** Two states, two actions: action 1 in state 0 moves to the absorbing state 1 (reward 1 per step there). */
function chain(gamma: number, horizon: number): TabularModel {
  // P[s][a][s']
  const P = Float64Array.from([1, 0, 0, 1, 0, 1, 0, 1]);
  const R = Float64Array.from([0, 1, 1, 1]);
  return { nStates: 2, nActions: 2, P, R, initial: Float64Array.from([1, 0]), gamma, horizon };
}

function slipperyModel(): TabularModel {
  const task = FrozenLake.task(['SFFF', 'FHFH', 'FFFH', 'HFFG'], { variance: 'high', slip: 0.2 });
  return FrozenLake.make(task).model();
}

describe('evaluatePolicy', () => {
  it('matches hand-computed values on a two-state chain (finite and infinite)', () => {
    const m = chain(0.5, 3);
    // pi(1|0) = p: stay in 0 with prob 1-p (reward 0), else move to 1 paying 1 now and per step after.
    const p = 0.25;
    const pi = Float64Array.from([1 - p, p, 0.5, 0.5]);
    const fin = evaluatePolicy(m, pi);
    // V1 with k steps to go = sum_{t<k} 0.5^t; V0(k) = p*(1 + 0.5 V1(k-1)) + (1-p)*0.5*V0(k-1)
    const V1 = (k: number) => (1 - 0.5 ** k) / 0.5;
    let V0 = 0;
    for (let k = 1; k <= 3; k++) V0 = p * (1 + 0.5 * V1(k - 1)) + (1 - p) * 0.5 * V0;
    expect(fin.J).toBeCloseTo(V0, 14);
    expect(fin.V[1]).toBeCloseTo(V1(3), 14);
    const inf = evaluatePolicy(m, pi, { mode: 'infinite' });
    // V1 = 2; V0 = p (1 + 0.5*2) + (1-p) 0.5 V0  =>  V0 = 2p / (1 - 0.5 (1-p))
    expect(inf.V[1]).toBeCloseTo(2, 14);
    expect(inf.J).toBeCloseTo((2 * p) / (1 - 0.5 * (1 - p)), 14);
  });

  it('has visitations with the stated normalizations, and J = <visitation, r_pi>', () => {
    const m = slipperyModel();
    const pi = randomPolicy(m.nStates, m.nActions, new Rng(5));
    for (const mode of ['finite', 'infinite'] as const) {
      const ev = evaluatePolicy(m, pi, { mode });
      const mass =
        mode === 'finite' ? (1 - m.gamma ** m.horizon) / (1 - m.gamma) : 1 / (1 - m.gamma);
      expect(ev.visitationMass).toBeCloseTo(mass, 12);
      expect(ev.visitation.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(ev.visitationUnnormalized.reduce((a, b) => a + b, 0)).toBeCloseTo(mass, 12);
      let J = 0;
      for (let s = 0; s < m.nStates; s++) {
        for (let a = 0; a < m.nActions; a++) {
          J +=
            (ev.visitationUnnormalized[s] as number) *
            (pi[s * 4 + a] as number) *
            (m.R[s * 4 + a] as number);
        }
      }
      expect(J).toBeCloseTo(ev.J, 12);
      // V = sum_a pi Q, so the policy-weighted advantage vanishes in every state.
      for (let s = 0; s < m.nStates; s++) {
        let pa = 0;
        for (let a = 0; a < 4; a++) pa += (pi[s * 4 + a] as number) * (ev.A[s * 4 + a] as number);
        expect(Math.abs(pa)).toBeLessThan(1e-12);
      }
    }
  });

  it('converges from finite to infinite horizon as H grows, and per-step tables equal a stationary one', () => {
    const base = slipperyModel();
    const pi = randomPolicy(base.nStates, base.nActions, new Rng(6));
    const inf = evaluatePolicy(base, pi, { mode: 'infinite' });
    const long = evaluatePolicy({ ...base, horizon: 400 }, pi);
    expect(Math.abs(long.J - inf.J)).toBeLessThan(1e-12);
    for (let i = 0; i < inf.A.length; i++)
      expect(Math.abs((long.A[i] as number) - (inf.A[i] as number))).toBeLessThan(1e-12);
    const perStep = evaluatePolicy(
      base,
      Array.from({ length: base.horizon }, () => pi),
    );
    expect(perStep.J).toBe(evaluatePolicy(base, pi).J);
    // On a 49-step horizon with gamma 0.8 the two advantages differ only by ~gamma^49.
    const terms = adaptationTerms(base, pi);
    expect(terms.A).toBe(terms.infinite.A);
    expect(terms.visitation).toBe(terms.finite.visitation);
    expect(terms.J).toBe(terms.finite.J);
  });

  it('evaluates softmax logits like the explicit softmax table', () => {
    const m = slipperyModel();
    const logits = Float64Array.from({ length: 64 }, (_, i) => Math.sin(i));
    const pi = softmaxPolicy(logits, 16, 4);
    expect(pi.subarray(0, 4).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
    expect((pi[1] as number) / (pi[0] as number)).toBeCloseTo(
      Math.exp(Math.sin(1) - Math.sin(0)),
      12,
    );
    expect(evaluateSoftmax(m, logits).J).toBe(evaluatePolicy(m, pi).J);
    expect(softmaxPolicy(Float64Array.from([1000, 0]), 1, 2)[0]).toBe(1);
  });

  it('rejects inconsistent models and policies with clear errors', () => {
    const m = chain(0.9, 5);
    expect(() => evaluatePolicy(m, new Float64Array(3))).toThrow(
      /policy must be a Float64Array of length nStates\*nActions = 4/,
    );
    expect(() => evaluatePolicy(m, Float64Array.from([0.5, 0.6, 0.5, 0.5]))).toThrow(
      /policy row 0 sums to 1.1/,
    );
    expect(() => evaluatePolicy({ ...m, P: new Float64Array(8) }, uniformPolicy(2, 2))).toThrow(
      /model.P row \(s=0, a=0\) sums to 0/,
    );
    expect(() =>
      evaluatePolicy({ ...m, gamma: 1 }, uniformPolicy(2, 2), { mode: 'infinite' }),
    ).toThrow(/gamma < 1/);
    expect(() => evaluatePolicy({ ...m, horizon: 0 }, uniformPolicy(2, 2))).toThrow(EnvError);
    expect(() => evaluatePolicy(m, [uniformPolicy(2, 2)])).toThrow(/exactly horizon = 5 tables/);
  });
});
