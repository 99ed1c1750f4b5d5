import { describe, expect, it } from 'vitest';
import { EnvError } from '../errors';
import { Rng } from '../rng';
import { evaluatePolicy } from '../tabular/evaluate';
import { meanAndSE, randomPolicy } from '../test-utils';
import { DOWN, LEFT, RIGHT, UP } from './dynamics';
import type { FrozenLakeEnv } from './env';
import { FrozenLake } from './family';

/** Discounted returns of `episodes` rollouts of `policy` in the env itself. */
function rollouts(
  env: FrozenLakeEnv,
  policy: Float64Array,
  episodes: number,
  seed: number,
): Float64Array {
  const rng = new Rng(seed);
  const returns = new Float64Array(episodes);
  env.reset({ seed });
  for (let e = 0; e < episodes; e++) {
    let { obs } = env.reset();
    let g = 0;
    let discount = 1;
    for (;;) {
      const step = env.step(rng.categorical(policy, obs * 4, 4));
      g += discount * step.reward;
      discount *= env.gamma;
      obs = step.obs;
      if (step.terminated) throw new Error('Frozen Lake episodes never terminate');
      if (step.truncated) break;
    }
    returns[e] = g;
  }
  return returns;
}

describe('FrozenLakeEnv', () => {
  it('pays the reward of the entered cell; holes and goal are absorbing in the high family', () => {
    const env = FrozenLake.make(FrozenLake.task(['SH', 'FG'], { variance: 'high' }), {
      horizon: 5,
    });
    expect(env.reset().obs).toBe(0);
    let step = env.step(RIGHT);
    expect([step.obs, step.reward, step.info.cell, step.info.absorbing]).toEqual([
      1,
      -1,
      'H',
      true,
    ]);
    for (const a of [LEFT, DOWN, UP, RIGHT]) {
      const s = env.step(a);
      expect([s.obs, s.reward]).toEqual([1, -1]);
    }
    expect(() => env.step(LEFT)).toThrow(
      /the episode ended \(truncated at horizon 5\); call reset\(\)/,
    );
    env.reset();
    step = env.step(DOWN);
    expect([step.obs, step.reward]).toEqual([2, 0]);
    step = env.step(RIGHT);
    expect([step.obs, step.reward, step.info.absorbing]).toEqual([3, 1, true]);
    step = env.step(UP); // absorbing: stays and earns +1 again
    expect([step.obs, step.reward, step.terminated, step.truncated]).toEqual([3, 1, false, false]);
  });

  it('in the low family penalty cells pay -0.5 on every entry (also when bumping a wall) and are not absorbing', () => {
    const env = FrozenLake.make(FrozenLake.task(['SH', 'FG'], { variance: 'low' }));
    env.reset();
    expect(env.step(RIGHT).reward).toBe(-0.5);
    const bump = env.step(UP); // wall: "enters" the same penalty cell again
    expect([bump.obs, bump.reward, bump.info.absorbing]).toEqual([1, -0.5, false]);
    const goal = env.step(DOWN);
    expect([goal.obs, goal.reward]).toEqual([3, 1]);
    expect(env.step(LEFT).reward).toBe(1);
  });

  it('truncates (never terminates) exactly at the horizon, 49 steps by default', () => {
    const env = FrozenLake.family({ variance: 'high' }).make(
      FrozenLake.task(['SFFF', 'FFFF', 'FFFF', 'FFFG'], { variance: 'high' }),
    );
    env.reset();
    const flags: boolean[] = [];
    let ret = 0;
    const plan = [RIGHT, RIGHT, RIGHT, DOWN, DOWN, DOWN];
    for (let t = 0; t < 49; t++) {
      const s = env.step(plan[t] ?? LEFT);
      ret += 0.8 ** t * s.reward;
      flags.push(s.truncated);
      expect(s.terminated).toBe(false);
    }
    expect(flags.indexOf(true)).toBe(48);
    let expected = 0;
    for (let t = 5; t <= 48; t++) expected += 0.8 ** t;
    expect(ret).toBeCloseTo(expected, 12);
  });

  it('slips to each perpendicular direction with probability slip / 2', () => {
    const env = FrozenLake.make(
      FrozenLake.task(['FFF', 'FSF', 'FFG'], { variance: 'low', slip: 0.3 }),
    );
    const counts = new Map<number, number>();
    const n = 20_000;
    env.reset({ seed: 3 });
    for (let i = 0; i < n; i++) {
      env.reset();
      const s = env.step(RIGHT).obs;
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    // From the centre (4): Right -> 5 (0.7), Down -> 7 (0.15), Up -> 1 (0.15).
    expect([...counts.keys()].sort()).toEqual([1, 5, 7]);
    for (const [s, p] of [
      [5, 0.7],
      [7, 0.15],
      [1, 0.15],
    ] as const) {
      expect(Math.abs((counts.get(s) ?? 0) / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    }
    const model = env.model();
    expect(Array.from(model.P.subarray((4 * 4 + RIGHT) * 9, (4 * 4 + RIGHT + 1) * 9))).toEqual([
      0, 0.15, 0, 0, 0, 0.7, 0, 0.15, 0,
    ]);
  });

  it('exports a consistent exact model: rows sum to 1, R = sum P * reward(entered), start distribution', () => {
    const family = FrozenLake.family({ variance: 'low', slip: 0.2 });
    const [task] = family.sampleTasks(1, 4);
    const env = family.make(task!);
    const m = env.model();
    expect([m.nStates, m.nActions, m.gamma, m.horizon]).toEqual([16, 4, 0.8, 49]);
    expect(Array.from(m.initial)).toEqual([1, ...new Array(15).fill(0)]);
    const cells = task!.map.join('');
    const reward = (s: number) => (cells[s] === 'G' ? 1 : cells[s] === 'H' ? -0.5 : 0);
    for (let sa = 0; sa < 64; sa++) {
      let sum = 0;
      let r = 0;
      for (let s2 = 0; s2 < 16; s2++) {
        sum += m.P[sa * 16 + s2] as number;
        r += (m.P[sa * 16 + s2] as number) * reward(s2);
      }
      expect(sum).toBeCloseTo(1, 14);
      expect(m.R[sa]).toBeCloseTo(r, 14);
    }
  });

  it('exact J matches 20k Monte Carlo rollouts of the env within 3 standard errors', () => {
    const cases = [
      { variance: 'high', slip: 0 },
      { variance: 'low', slip: 0 },
      { variance: 'high', slip: 0.2 },
      { variance: 'low', slip: 0.2 },
    ] as const;
    for (const [i, c] of cases.entries()) {
      const family = FrozenLake.family({ ...c, holeProbability: 0.25 });
      const rng = new Rng(100 + i);
      // A map with at least one H cell, so holes / penalty cells are exercised.
      const task = family.sampleTasks(20, rng).find((t) => t.map.join('').includes('H'));
      const env = family.make(task!);
      const policy = randomPolicy(16, 4, rng);
      const exact = evaluatePolicy(env.model(), policy).J;
      const { mean, se } = meanAndSE(rollouts(env, policy, 20_000, 200 + i));
      expect(se).toBeGreaterThan(0);
      expect(Math.abs(mean - exact)).toBeLessThan(3 * se);
    }
  });

  it('reproduces trajectories exactly from the same seed', () => {
    const family = FrozenLake.family({ variance: 'high', slip: 0.4 });
    const [task] = family.sampleTasks(1, 9);
    const trace = (seed: number) => {
      const env = family.make(task!);
      const actions = new Rng(1);
      const out: number[] = [env.reset({ seed }).obs];
      for (let t = 0; t < 49; t++) out.push(env.step(actions.int(4)).obs);
      return out;
    };
    expect(trace(5)).toEqual(trace(5));
    expect(trace(5)).not.toEqual(trace(6));
  });

  it('renders the map with the agent', () => {
    const env = FrozenLake.make(FrozenLake.task(['SFF', 'FHF', 'FFG'], { variance: 'high' }));
    expect(env.render()).toBe('not reset\nSFF\nFHF\nFFG');
    env.reset();
    env.step(DOWN);
    expect(env.render()).toBe(
      "step 1/49, state 3 (row 1, col 0) on 'F', last action Down\nSFF\n@HF\nFFG",
    );
  });

  it('rejects bad actions and misuse with clear errors', () => {
    const env = FrozenLake.make(FrozenLake.task(['SF', 'FG'], { variance: 'high' }), {
      horizon: 2,
    });
    expect(() => env.step(0)).toThrow(/call reset\(\) before the first step/);
    env.reset();
    expect(() => env.step(7)).toThrow(
      'FrozenLake.step: action 7 is out of range; expected an integer in [0, 4)',
    );
    expect(() => env.step(1.5)).toThrow(/action 1.5 is out of range/);
    expect(() => env.step(-1)).toThrow(EnvError);
    expect(() => env.step('1' as unknown as number)).toThrow(/action must be a number .* got "1"/);
    expect(() => env.step([1] as unknown as number)).toThrow(/action must be a number/);
    env.step(0);
    env.step(0);
    expect(() => env.step(0)).toThrow(/episode ended/);
    expect(() => env.setTask(FrozenLake.task(['SFF', 'FFG'], { variance: 'high' }))).toThrow(
      /is 2x3 but this env is 2x2/,
    );
    expect(() =>
      env.setTask({ kind: 'frozen-lake', variance: 'high', map: ['SG', 'GF'], slip: 0 }),
    ).toThrow(/exactly one goal/);
    env.setTask(FrozenLake.task(['SH', 'FG'], { variance: 'high' }));
    expect(() => env.step(0)).toThrow(/call reset\(\)/);
    expect(env.reset().obs).toBe(0);
    env.close();
    expect(() => env.reset()).toThrow(/closed/);
    expect(() =>
      FrozenLake.make(FrozenLake.task(['SF', 'FG'], { variance: 'high' }), { gamma: -1 }),
    ).toThrow(/gamma/);
  });
});
