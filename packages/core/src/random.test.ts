import { describe, expect, it } from 'vitest';
import { Random } from './random';

describe('Random', () => {
  it('reproduces the same stream from the same seed and differs across seeds', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const xa = Array.from({ length: 100 }, () => a.float());
    expect(Array.from({ length: 100 }, () => b.float())).toEqual(xa);
    expect(Array.from({ length: 100 }, () => c.float())).not.toEqual(xa);
  });

  it('resumes bit-exactly from a JSON round-trip of its state (including the normal spare)', () => {
    const r = new Random(7);
    r.normal(); // leaves a spare
    const saved = JSON.parse(JSON.stringify(r.getState()));
    const cont = Array.from({ length: 50 }, () => r.normal());
    const resumed = Random.fromState(saved);
    expect(Array.from({ length: 50 }, () => resumed.normal())).toEqual(cont);
  });

  it('has the right first two moments (uniform and normal), within 4 standard errors', () => {
    const r = new Random(1);
    const n = 100_000;
    let su = 0;
    let sn = 0;
    let sn2 = 0;
    for (let i = 0; i < n; i++) {
      su += r.float();
      const z = r.normal();
      sn += z;
      sn2 += z * z;
    }
    expect(Math.abs(su / n - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(sn / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(sn2 / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
  });

  it('makes tensors of the requested shape, and validates input', () => {
    const r = new Random(3);
    expect(r.normalTensor([2, 3]).shape).toEqual([2, 3]);
    const u = r.uniformTensor([1000], -2, 2).dataSync();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(2);
    expect(() => r.int(0)).toThrow(/positive integer/);
    expect(() => new Random(Number.NaN)).toThrow(/finite/);
    expect(() => r.setState({ s: [1, 2, 3], spare: null } as never)).toThrow(/four unsigned/);
  });
});
