import { describe, expect, it } from 'vitest';
import { EnvError } from './errors';
import { Rng } from './rng';
import { Box, Discrete, flatSize } from './spaces';

describe('spaces', () => {
  it('Discrete contains exactly the integers in [0, n) and samples them', () => {
    const d = new Discrete(4);
    expect([0, 3].every((x) => d.contains(x))).toBe(true);
    expect([-1, 4, 1.5, '1', Number.NaN].some((x) => d.contains(x))).toBe(false);
    const rng = new Rng(0);
    const seen = new Set(Array.from({ length: 200 }, () => d.sample(rng)));
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
    expect(flatSize(d)).toBe(1);
    expect(() => new Discrete(0)).toThrow(EnvError);
  });

  it('Box checks shape and bounds, samples inside, and serializes infinities as null', () => {
    const b = new Box(-0.1, 0.1, [2]);
    expect(b.contains([0.1, -0.1])).toBe(true);
    expect(b.contains(Float32Array.of(0, 0.2))).toBe(false);
    expect(b.contains([0])).toBe(false);
    const x = b.sample(new Rng(1));
    expect(b.contains(x)).toBe(true);
    expect(flatSize(b)).toBe(2);
    expect(new Box(Number.NEGATIVE_INFINITY, 1, [1]).toJSON()).toEqual({
      kind: 'box',
      shape: [1],
      low: [null],
      high: [1],
    });
    expect(() => new Box(1, 0, [1])).toThrow(/low\[0\] must be <= high\[0\]/);
    expect(() => new Box([0, 0, 0], 1, [2])).toThrow(/3 elements/);
  });
});
