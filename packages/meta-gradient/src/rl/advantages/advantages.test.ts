import { describe, expect, it } from 'vitest';
import { generalizedAdvantages, normalizeAdvantages } from './gae';
import { discountedReturns, LinearFeatureBaseline } from './linear-feature-baseline';
import type { Trajectory } from './trajectory';

describe('discountedReturns', () => {
  it('matches the definition on a hand-computed example', () => {
    const g = discountedReturns([1, 2, 3], 0.5);
    expect(Array.from(g)).toEqual([1 + 0.5 * 2 + 0.25 * 3, 2 + 0.5 * 3, 3]);
  });
});

describe('generalizedAdvantages', () => {
  const rewards = [0.5, -1, 2, 0.25, 1];
  const values = [0.3, 0.1, -0.4, 0.8, 0.2];
  const gamma = 0.9;

  it('with lambda = 1 and a terminal end equals return-to-go minus the baseline', () => {
    const a = generalizedAdvantages(rewards, values, gamma, 1);
    const g = discountedReturns(rewards, gamma);
    a.forEach((x, t) => expect(x).toBeCloseTo(g[t]! - values[t]!, 12));
  });

  it('with lambda = 0 equals the one-step TD residual, bootstrapping the cut tail', () => {
    const a = generalizedAdvantages(rewards, values, gamma, 0, 0.7);
    a.forEach((x, t) => {
      const next = t + 1 < values.length ? values[t + 1]! : 0.7;
      expect(x).toBeCloseTo(rewards[t]! + gamma * next - values[t]!, 12);
    });
  });

  it('equals the explicit double sum for any lambda', () => {
    const lambda = 0.6;
    const boot = -0.3;
    const a = generalizedAdvantages(rewards, values, gamma, lambda, boot);
    const delta = rewards.map(
      (r, t) => r + gamma * (t + 1 < values.length ? values[t + 1]! : boot) - values[t]!,
    );
    a.forEach((x, t) => {
      let s = 0;
      for (let k = t; k < delta.length; k++) s += (gamma * lambda) ** (k - t) * delta[k]!;
      expect(x).toBeCloseTo(s, 12);
    });
  });

  it('rejects bad inputs with the field named', () => {
    expect(() => generalizedAdvantages([1, 2], [1], 0.9, 1)).toThrow(/2 rewards but 1 values/);
    expect(() => generalizedAdvantages([1], [1], 1.5, 1)).toThrow(/gamma must be in \[0, 1\]/);
    expect(() => generalizedAdvantages([1], [1], 0.9, -1)).toThrow(/lambda must be in \[0, 1\]/);
  });

  it('normalizes to mean 0 and standard deviation 1', () => {
    const n = normalizeAdvantages([1, 2, 3, 4, 10]);
    const mean = n.reduce((s, x) => s + x, 0) / n.length;
    const sd = Math.sqrt(n.reduce((s, x) => s + (x - mean) ** 2, 0) / n.length);
    expect(mean).toBeCloseTo(0, 12);
    expect(sd).toBeCloseTo(1, 6);
  });
});

describe('LinearFeatureBaseline', () => {
  const gamma = 0.95;
  // Returns-to-go that are exactly linear in the features [o, o^2, s, s^2, s^3, 1] (s = t/100):
  // rewards are derived from them, so the fit must recover them.
  function makeTrajectory(seed: number, n: number): { traj: Trajectory; target: Float64Array } {
    const obs = new Float32Array(n * 2);
    const target = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      const o0 = Math.sin(seed + t * 0.37);
      const o1 = Math.cos(seed * 2 + t * 0.11);
      obs[2 * t] = o0;
      obs[2 * t + 1] = o1;
      const s = t / 100;
      target[t] =
        1.5 * Math.fround(o0) -
        0.5 * Math.fround(o1) +
        0.25 * Math.fround(o0) ** 2 +
        3 * s -
        2 * s * s +
        s ** 3 +
        0.7;
    }
    const rewards = new Float32Array(n);
    for (let t = 0; t < n; t++) rewards[t] = target[t]! - gamma * (t + 1 < n ? target[t + 1]! : 0);
    // the float32 rewards carry rounding: recompute the target the fit actually sees
    return {
      traj: { observations: obs, rewards, obsDim: 2, terminated: true },
      target: discountedReturns(rewards, gamma),
    };
  }

  it('recovers returns that are linear in its features', () => {
    const data = [makeTrajectory(1, 40), makeTrajectory(2, 55), makeTrajectory(3, 30)];
    const b = new LinearFeatureBaseline();
    b.fit(
      data.map((d) => d.traj),
      gamma,
    );
    for (const { traj, target } of data) {
      const pred = b.predict(traj);
      pred.forEach((p, t) => expect(Math.abs(p - target[t]!)).toBeLessThan(1e-3));
    }
  });

  it('predicts zeros before fitting and round-trips its coefficients', () => {
    const { traj } = makeTrajectory(4, 10);
    const b = new LinearFeatureBaseline();
    expect(Array.from(b.predict(traj))).toEqual(new Array(10).fill(0));
    b.fit([traj], gamma);
    const c = new LinearFeatureBaseline();
    c.setCoefficients(JSON.parse(JSON.stringify(b.getCoefficients())));
    expect(Array.from(c.predict(traj))).toEqual(Array.from(b.predict(traj)));
  });

  it('still fits degenerate (constant-observation) data thanks to the ridge', () => {
    const traj: Trajectory = {
      observations: new Float32Array(20),
      rewards: new Float32Array(10).fill(1),
      obsDim: 2,
      terminated: true,
    };
    const b = new LinearFeatureBaseline();
    b.fit([traj], gamma);
    expect(b.predict(traj).every(Number.isFinite)).toBe(true);
  });

  it('fails clearly on NaN data and on mismatched arrays', () => {
    const bad: Trajectory = {
      observations: new Float32Array([Number.NaN, 0]),
      rewards: new Float32Array([1]),
      obsDim: 2,
      terminated: true,
    };
    expect(() => new LinearFeatureBaseline().fit([bad], gamma)).toThrow(/NaN/);
    const wrong: Trajectory = {
      observations: new Float32Array(3),
      rewards: new Float32Array(2),
      obsDim: 2,
      terminated: true,
    };
    expect(() => new LinearFeatureBaseline().fit([wrong], gamma)).toThrow(
      /observations has 3 values but 2 rewards x obsDim 2 need 4/,
    );
    expect(() => new LinearFeatureBaseline().fit([], gamma)).toThrow(/no trajectories/);
  });
});
