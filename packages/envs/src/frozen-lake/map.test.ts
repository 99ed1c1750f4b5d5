import { describe, expect, it } from 'vitest';
import { EnvError } from '../errors';
import { Rng } from '../rng';
import { FrozenLake } from './family';
import { generateMap, validateMap, validateTask } from './map';

describe('Frozen Lake maps', () => {
  it('generates reproducible maps with S top-left, G bottom-right and an H-free path', () => {
    for (const variance of ['high', 'low'] as const) {
      const a = Array.from({ length: 50 }, (_, i) =>
        generateMap({ size: 4, variance, holeProbability: 0.3 }, new Rng(i)),
      );
      const b = Array.from({ length: 50 }, (_, i) =>
        generateMap({ size: 4, variance, holeProbability: 0.3 }, new Rng(i)),
      );
      expect(a).toEqual(b);
      for (const map of a) {
        expect(map[0]![0]).toBe('S');
        expect(map[3]![3]).toBe('G');
        expect(() => validateMap(map)).not.toThrow();
      }
      // Maps differ from draw to draw and do contain H cells at this density.
      expect(new Set(a.map((m) => m.join('/'))).size).toBeGreaterThan(20);
      expect(a.some((m) => m.join('').includes('H'))).toBe(true);
    }
  });

  it('never puts a hole on a cell with row + col <= 2 in the high-variance family (the low family may)', () => {
    const rng = new Rng(1);
    const lowHasNearHole = Array.from({ length: 200 }, () =>
      generateMap({ size: 4, variance: 'low', holeProbability: 0.4 }, rng),
    ).some((m) => m[1]![0] === 'H' || m[0]![1] === 'H' || m[1]![1] === 'H');
    expect(lowHasNearHole).toBe(true);
    for (let i = 0; i < 200; i++) {
      const map = generateMap({ size: 4, variance: 'high', holeProbability: 0.4 }, rng);
      for (let r = 0; r < 4; r++)
        for (let c = 0; r + c <= 2 && c < 4; c++) expect(map[r]![c]).not.toBe('H');
    }
  });

  it('works for larger grids (8x8)', () => {
    const family = FrozenLake.family({ variance: 'high', size: 8 });
    const tasks = family.sampleTasks(10, 3);
    for (const t of tasks) {
      expect(t.map).toHaveLength(8);
      expect(t.map.every((r) => r.length === 8)).toBe(true);
    }
    expect(family.make(tasks[0]!).model().nStates).toBe(64);
  });

  it('rejects invalid maps and tasks with messages that name the problem', () => {
    expect(() => validateMap('SFFG')).toThrow(/map must be a non-empty array of strings/);
    expect(() => validateMap([])).toThrow(EnvError);
    expect(() => validateMap(['SF', 'FFG'])).toThrow(/map\[1\] has 3 cells but map\[0\] has 2/);
    expect(() => validateMap(['SX', 'FG'])).toThrow(/contains "X"/);
    expect(() => validateMap(['FF', 'FG'])).toThrow(/exactly one start cell 'S', found 0/);
    expect(() => validateMap(['SG', 'FG'])).toThrow(/exactly one goal cell 'G', found 2/);
    expect(() => validateMap(['SH', 'HG'])).toThrow(/no path from 'S' to 'G' that avoids 'H'/);
    const ok = { kind: 'frozen-lake', variance: 'high', map: ['SF', 'FG'], slip: 0 };
    expect(validateTask(ok)).toBe(ok);
    expect(() => validateTask(null)).toThrow(/task must be an object/);
    expect(() => validateTask({ ...ok, kind: 'maze' })).toThrow(/task.kind must be 'frozen-lake'/);
    expect(() => validateTask({ ...ok, variance: 'medium' })).toThrow(
      /task.variance must be 'high' or 'low'/,
    );
    expect(() => validateTask({ ...ok, slip: 2 })).toThrow(
      /task.slip must be a number in \[0, 1\]/,
    );
    expect(() => validateTask({ ...ok, map: ['SH', 'HG'] })).toThrow(/task.map has no path/);
  });

  it('checks family configs and family membership', () => {
    expect(() => FrozenLake.family({ variance: 'mid' as 'high' })).toThrow(
      /variance must be 'high' or 'low'/,
    );
    expect(() => FrozenLake.family({ variance: 'high', size: 1 })).toThrow(
      /size must be an integer >= 2/,
    );
    expect(() => FrozenLake.family({ variance: 'high', gamma: 1.5 })).toThrow(
      /gamma must be a number in \[0, 1\]/,
    );
    expect(() => FrozenLake.family({ variance: 'high', horizon: 0 })).toThrow(
      /horizon must be a positive integer/,
    );
    expect(() => FrozenLake.family({ variance: 'high', holeProbability: 1 })).toThrow(
      /holeProbability/,
    );
    const high = FrozenLake.family({ variance: 'high' });
    expect(() =>
      high.make(FrozenLake.task(['SFFF', 'FFFF', 'FFFF', 'FFFG'], { variance: 'low' })),
    ).toThrow(/task.variance is 'low' but this family is 'high'/);
    expect(() => high.make(FrozenLake.task(['SF', 'FG'], { variance: 'high' }))).toThrow(
      /2x2 but this family's maps are 4x4/,
    );
    expect(() => high.sampleTasks(-1, 0)).toThrow(/n must be a non-negative integer/);
  });

  it('samples reproducible tasks and splits them reproducibly into disjoint train/test sets', () => {
    const family = FrozenLake.family({ variance: 'low', slip: 0.1 });
    const tasks = family.sampleTasks(30, 7);
    expect(JSON.parse(JSON.stringify(tasks))).toEqual(family.sampleTasks(30, new Rng(7)));
    expect(tasks.every((t) => t.slip === 0.1 && t.variance === 'low')).toBe(true);
    const [train, test] = family.split(tasks, 0.8);
    expect(train).toHaveLength(24);
    expect(test).toHaveLength(6);
    expect(family.split(tasks, 0.8)).toEqual([train, test]);
    expect(new Set([...train, ...test])).toEqual(new Set(tasks));
    expect(family.split(tasks, 0.8, 1)).not.toEqual([train, test]);
    expect(() => family.split(tasks, 1.5)).toThrow(/trainFraction must be a number in \[0, 1\]/);
  });
});
