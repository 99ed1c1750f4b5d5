import { describe, expect, it } from 'vitest';
import { FrozenLake } from '../frozen-lake/family';
import { Rng } from '../rng';
import { evaluatePolicy } from './evaluate';
import type { TabularModel } from './model';
import { deterministicPolicy } from './policy';
import { valueIteration } from './value-iteration';

/** Every deterministic stationary policy (actions only matter off absorbing states). */
function bestDeterministic(
  model: TabularModel,
  free: number[],
  mode: 'finite' | 'infinite',
): number {
  const actions = new Int32Array(model.nStates);
  let best = Number.NEGATIVE_INFINITY;
  const total = 4 ** free.length;
  for (let code = 0; code < total; code++) {
    let c = code;
    for (const s of free) {
      actions[s] = c % 4;
      c = Math.floor(c / 4);
    }
    best = Math.max(best, evaluatePolicy(model, deterministicPolicy(actions, 4), { mode }).J);
  }
  return best;
}

describe('valueIteration', () => {
  it('gives J* = sum_{t=5}^{48} 0.8^t on the open 4x4 map (the sixth move enters the goal)', () => {
    const family = FrozenLake.family({ variance: 'high' });
    const env = family.make(
      FrozenLake.task(['SFFF', 'FFFF', 'FFFF', 'FFFG'], { variance: 'high' }),
    );
    let expected = 0;
    for (let t = 5; t <= 48; t++) expected += 0.8 ** t;
    const { J } = valueIteration(env.model());
    expect(J).toBeCloseTo(expected, 12);
    expect(J).toBeCloseTo(1.6384, 3);
  });

  it('finds the best of all deterministic policies on a small slippery map (both modes)', () => {
    const task = FrozenLake.task(['SFF', 'FHF', 'FFG'], { variance: 'high', slip: 0.3 });
    const model = FrozenLake.make(task, { gamma: 0.9, horizon: 12 }).model();
    const free = [0, 1, 2, 3, 5, 6, 7]; // 4 (hole) and 8 (goal) are absorbing
    const inf = valueIteration(model, { mode: 'infinite' });
    expect(inf.J).toBeCloseTo(bestDeterministic(model, free, 'infinite'), 12);
    const fin = valueIteration(model);
    const bestStationary = bestDeterministic(model, free, 'finite');
    // The finite-horizon optimum may be non-stationary: it is at least the best stationary J, and
    // evaluating its per-step rules gives J* back.
    expect(fin.J).toBeGreaterThanOrEqual(bestStationary - 1e-12);
    expect(evaluatePolicy(model, fin.policyByStep ?? []).J).toBeCloseTo(fin.J, 13);
  });

  it('returns a policy that no single-state change improves', () => {
    const family = FrozenLake.family({ variance: 'low', slip: 0.2 });
    const [task] = family.sampleTasks(1, 11);
    const model = family.make(task!).model();
    const inf = valueIteration(model, { mode: 'infinite' });
    const fin = valueIteration(model);
    for (let s = 0; s < model.nStates; s++) {
      for (let a = 0; a < 4; a++) {
        const changed = Int32Array.from(inf.actions);
        changed[s] = a;
        const ev = evaluatePolicy(model, deterministicPolicy(changed, 4), { mode: 'infinite' });
        for (let s2 = 0; s2 < model.nStates; s2++)
          expect(ev.V[s2]).toBeLessThanOrEqual((inf.V[s2] as number) + 1e-12);
        // Finite mode: switching the rule at t = 0 in one state cannot beat the optimum either.
        const steps = (fin.policyByStep ?? []).map((p) => Float64Array.from(p));
        steps[0]!.fill(0, s * 4, s * 4 + 4);
        steps[0]![s * 4 + a] = 1;
        expect(evaluatePolicy(model, steps).J).toBeLessThanOrEqual(fin.J + 1e-12);
      }
    }
    // Equivalently every optimal advantage is <= 0, and V* = max_a Q*.
    const ev = evaluatePolicy(model, inf.policy, { mode: 'infinite' });
    expect(Math.max(...ev.A)).toBeLessThan(1e-12);
    expect(ev.J).toBeCloseTo(inf.J, 13);
  });

  it('on deterministic maps the stationary optimum is also finite-horizon optimal', () => {
    for (const variance of ['high', 'low'] as const) {
      const family = FrozenLake.family({ variance });
      for (const task of family.sampleTasks(5, new Rng(21))) {
        const model = family.make(task).model();
        const fin = valueIteration(model);
        const inf = valueIteration(model, { mode: 'infinite' });
        expect(evaluatePolicy(model, inf.policy).J).toBeCloseTo(fin.J, 12);
        expect(fin.J).toBeGreaterThan(0);
      }
    }
  });
});
