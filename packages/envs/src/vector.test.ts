import { describe, expect, it } from 'vitest';
import { EnvError } from './errors';
import { FrozenLake } from './frozen-lake/family';
import { Navigation2D } from './navigation/family';
import { Rng } from './rng';
import { makeVector, VectorEnv } from './vector';

describe('VectorEnv', () => {
  it('matches N single Frozen Lake envs step for step (own task and seed per copy, slip on)', () => {
    const family = FrozenLake.family({ variance: 'high', slip: 0.3 });
    const tasks = family.sampleTasks(5, 1);
    const vec = makeVector(family, tasks);
    const singles = tasks.map((t) => family.make(t));
    const obs = vec.reset({ seed: 10 });
    singles.forEach((env, i) => {
      expect(obs[i]).toBe(env.reset({ seed: 10 + i }).obs);
    });
    const rng = new Rng(2);
    const actions = new Int32Array(5);
    for (let t = 0; t < 49; t++) {
      for (let i = 0; i < 5; i++) actions[i] = rng.int(4);
      const r = vec.step(actions);
      singles.forEach((env, i) => {
        const s = env.step(actions[i]!);
        expect([r.obs[i], r.rewards[i], r.terminated[i], r.truncated[i]]).toEqual([
          s.obs,
          s.reward,
          0,
          s.truncated ? 1 : 0,
        ]);
      });
    }
    expect(vec.allDone).toBe(true);
  });

  it('matches N single Navigation2D envs step for step over a whole episode', () => {
    const family = Navigation2D.family();
    const tasks = family.sampleTasks(4, 5);
    tasks.push({ kind: 'navigation-2d', goal: [0.05, -0.05] }); // reachable: terminates early
    const vec = makeVector(family, tasks);
    const singles = tasks.map((t) => family.make(t));
    vec.reset({ seed: 3 });
    singles.forEach((env, i) => env.reset({ seed: 3 + i }));
    const live = singles.map(() => true);
    const rng = new Rng(4);
    const actions = new Float32Array(2 * tasks.length);
    for (let t = 0; t < 100; t++) {
      for (let i = 0; i < actions.length; i++)
        actions[i] = i >= 8 ? (i === 8 ? 0.05 : -0.05) : rng.uniform(-0.15, 0.15);
      const r = vec.step(actions);
      singles.forEach((env, i) => {
        if (!live[i]) {
          expect(r.rewards[i]).toBe(0);
          return;
        }
        const s = env.step(actions.subarray(2 * i, 2 * i + 2));
        expect(Array.from(r.obs.subarray(2 * i, 2 * i + 2))).toEqual(Array.from(s.obs));
        expect([r.rewards[i], r.terminated[i], r.truncated[i]]).toEqual([
          Math.fround(s.reward),
          +s.terminated,
          +s.truncated,
        ]);
        live[i] = !(s.terminated || s.truncated);
      });
    }
    expect(vec.terminated[4]).toBe(1);
    expect(vec.allDone).toBe(true);
  });

  it('matches single Navigation2D envs, freezes finished copies and auto-resets when asked', () => {
    const family = Navigation2D.family({ horizon: 5 });
    const tasks = [
      { kind: 'navigation-2d', goal: [0.1, 0] },
      { kind: 'navigation-2d', goal: [0.45, 0.4] },
    ] as const;
    const frozen = makeVector(family, tasks);
    frozen.reset({ seed: 0 });
    const single = family.make(tasks[1]);
    single.reset();
    const acts = Float32Array.of(0.1, 0, 0.1, 0.1);
    let r = frozen.step(acts);
    const s = single.step([0.1, 0.1]);
    expect(Array.from(r.obs.subarray(2, 4))).toEqual(Array.from(s.obs));
    expect(r.rewards[1]).toBe(Math.fround(s.reward));
    expect([r.terminated[0], r.truncated[0]]).toEqual([1, 0]);
    r = frozen.step(acts); // copy 0 frozen: same obs, zero reward, flag kept
    expect([r.obs[0], r.rewards[0], r.terminated[0]]).toEqual([Math.fround(0.1), 0, 1]);
    expect(frozen.allDone).toBe(false);

    const auto = makeVector(family, tasks, { autoReset: true });
    auto.reset();
    r = auto.step(acts);
    expect([r.terminated[0], r.obs[0], r.finalObs[0]]).toEqual([1, 0, Math.fround(0.1)]);
    for (let t = 0; t < 4; t++) r = auto.step(acts);
    expect(r.truncated[1]).toBe(1);
    expect(Array.from(r.obs.subarray(2, 4))).toEqual([0, 0]);
    expect(r.finalObs[2]).toBeCloseTo(0.5, 6);
    expect(auto.allDone).toBe(false);
  });

  it('writes one-hot observations for discrete spaces', () => {
    const family = FrozenLake.family({ variance: 'low' });
    const tasks = family.sampleTasks(2, 0);
    const vec = makeVector(family, tasks, { oneHot: true });
    expect(vec.obsSize).toBe(16);
    const obs = vec.reset();
    expect(obs.reduce((a, b) => a + b, 0)).toBe(2);
    expect([obs[0], obs[16]]).toEqual([1, 1]);
    const r = vec.step(Int32Array.of(2, 1)); // right -> state 1, down -> state 4
    expect(Array.from(r.obs).flatMap((v, i) => (v === 1 ? [i] : []))).toEqual([1, 16 + 4]);
    expect(() =>
      makeVector(Navigation2D.family(), Navigation2D.family().sampleTasks(1, 0), { oneHot: true }),
    ).toThrow(/oneHot needs a Discrete observation space/);
  });

  it('rejects bad input with clear errors', () => {
    const family = FrozenLake.family({ variance: 'high', horizon: 1 });
    const vec = makeVector(family, family.sampleTasks(2, 0));
    expect(() => vec.step(Int32Array.of(0, 0))).toThrow(/call reset\(\) before the first step/);
    vec.reset();
    expect(() => vec.step(Int32Array.of(0))).toThrow(
      /actions must be a numeric array of length numEnvs \* actionSize = 2, got Int32Array\(1\)/,
    );
    expect(() => vec.step(['a', 'b'] as unknown as number[])).toThrow(/numeric array/);
    expect(() => vec.step(Int32Array.of(0, 9))).toThrow(
      'VectorEnv copy 1: FrozenLake.step: action 9 is out of range; expected an integer in [0, 4)',
    );
    expect(() => new VectorEnv([])).toThrow(EnvError);
    expect(() => makeVector(family, [])).toThrow(/non-empty array/);
    expect(() => vec.env(5)).toThrow(/out of range/);
  });
});
