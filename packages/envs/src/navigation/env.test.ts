import { describe, expect, it } from 'vitest';
import { EnvError } from '../errors';
import { Rng } from '../rng';
import { Navigation2D } from './family';

describe('Navigation2D', () => {
  it('samples goals uniformly in [-0.5, 0.5]^2, reproducibly', () => {
    const family = Navigation2D.family();
    const tasks = family.sampleTasks(2000, 3);
    expect(tasks).toEqual(family.sampleTasks(2000, new Rng(3)));
    const xs = tasks.map((t) => t.goal[0]);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-0.5);
    expect(Math.max(...xs)).toBeLessThan(0.5);
    expect(Math.abs(xs.reduce((a, b) => a + b, 0) / xs.length)).toBeLessThan(
      4 * Math.sqrt(1 / 12 / 2000),
    );
    expect(Math.min(...xs)).toBeLessThan(-0.45);
    expect(JSON.parse(JSON.stringify(tasks[0]))).toEqual(tasks[0]);
  });

  it('clips actions to [-0.1, 0.1], rewards -distance at the new position and terminates within 0.01', () => {
    const env = Navigation2D.family().make({ kind: 'navigation-2d', goal: [0.25, -0.1] });
    expect(Array.from(env.reset().obs)).toEqual([0, 0]);
    let s = env.step([5, -0.05]);
    expect(env.position).toEqual([0.1, -0.05]);
    expect(s.reward).toBeCloseTo(-Math.hypot(0.15, 0.05), 15);
    expect(s.obs).toEqual(Float32Array.of(0.1, -0.05));
    s = env.step(Float32Array.of(0.1, -0.05));
    expect(s.terminated).toBe(false);
    s = env.step([0.045, 0.001]); // now at (0.245, -0.099): within 0.01 on both axes
    expect(s.terminated).toBe(true);
    expect(s.truncated).toBe(false);
    expect(s.reward).toBeCloseTo(-Math.hypot(0.005, 0.001), 6);
    expect(() => env.step([0, 0])).toThrow(/episode ended .* call reset\(\)/);
  });

  it('truncates after 100 steps when the goal is not reached', () => {
    const env = Navigation2D.make({ kind: 'navigation-2d', goal: [0.5, 0.5] });
    env.reset();
    let last = env.step([0, 0]);
    let steps = 1;
    while (!last.truncated) {
      expect(last.terminated).toBe(false);
      last = env.step([-0.1, 0]);
      steps++;
    }
    expect(steps).toBe(100);
    expect(last.reward).toBeCloseTo(-Math.hypot(10.4, 0.5), 9);
    expect(env.render()).toMatch(/^step 100\/100, position \(-9\.900, 0\.000\)/);
  });

  it('rejects bad actions and tasks with clear errors', () => {
    const env = Navigation2D.make({ kind: 'navigation-2d', goal: [0, 0.3] });
    expect(() => env.step([0, 0])).toThrow(/call reset\(\) before the first step/);
    env.reset();
    expect(() => env.step(1 as unknown as number[])).toThrow(
      /action must be an array of 2 numbers \[dx, dy\], got 1/,
    );
    expect(() => env.step([0.1])).toThrow(/array of 2 numbers/);
    expect(() => env.step(Float32Array.of(0, 0, 0))).toThrow(/Float32Array\(3\)/);
    expect(() => env.step([Number.NaN, 0])).toThrow(/must be two finite numbers/);
    expect(() =>
      env.setTask({ kind: 'navigation-2d', goal: [0] as unknown as [number, number] }),
    ).toThrow(/task.goal must be \[x, y\]/);
    expect(() => Navigation2D.make({ kind: 'frozen-lake' } as never)).toThrow(
      /task.kind must be 'navigation-2d'/,
    );
    expect(() => Navigation2D.family({ horizon: 1.5 })).toThrow(EnvError);
  });
});
