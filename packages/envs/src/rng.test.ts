import { describe, expect, it } from 'vitest';
import { EnvError } from './errors';
import { Rng } from './rng';

describe('Rng', () => {
  it('gives the same stream for the same seed and different streams for different seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(xs);
    // Seeds that differ only above bit 32 must not collide.
    expect(new Rng(2 ** 32 + 5).next()).not.toBe(new Rng(5).next());
  });

  it('resumes bit-exactly from a JSON round trip of its state, including the normal spare', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 10; i++) rng.next();
    rng.normal(); // leaves a spare
    const saved = JSON.parse(JSON.stringify(rng.getState()));
    const expected = [rng.normal(), rng.next(), rng.int(10), rng.normal()];
    const resumed = Rng.fromState(saved);
    expect([resumed.normal(), resumed.next(), resumed.int(10), resumed.normal()]).toEqual(expected);
  });

  it('draws uniform values in [0, 1), unbiased integers and standard normals', () => {
    const rng = new Rng(1);
    const n = 100_000;
    let sum = 0;
    let min = 1;
    let max = 0;
    const counts = new Float64Array(6);
    let nSum = 0;
    let nSq = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      sum += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
      const k = rng.int(6);
      counts[k] = (counts[k] ?? 0) + 1;
      const z = rng.normal();
      nSum += z;
      nSq += z * z;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    for (const c of counts)
      expect(Math.abs(c / n - 1 / 6)).toBeLessThan(4 * Math.sqrt(((1 / 6) * (5 / 6)) / n));
    expect(Math.abs(nSum / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(nSq / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
  });

  it('forks reproducible, distinct child streams and samples categoricals', () => {
    const childA = new Rng(3).fork();
    const childB = new Rng(3).fork();
    expect(childA.next()).toBe(childB.next());
    const parent = new Rng(3);
    const child = parent.fork();
    expect(child.next()).not.toBe(parent.next());
    const rng = new Rng(9);
    const probs = [0.2, 0, 0.8];
    const counts = [0, 0, 0];
    for (let i = 0; i < 20_000; i++) {
      const k = rng.categorical(probs);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    expect(counts[1]).toBe(0);
    expect(Math.abs((counts[0] as number) / 20_000 - 0.2)).toBeLessThan(0.015);
  });

  it('rejects bad seeds, bad int bounds and corrupt states with EnvError', () => {
    expect(() => new Rng(0.5)).toThrow(EnvError);
    expect(() => new Rng(Number.NaN)).toThrow(/seed must be a safe integer/);
    expect(() => new Rng(1).int(0)).toThrow(/n must be an integer/);
    expect(() => new Rng(1).setState({ s: [0, 0, 0, 0], spare: null })).toThrow(/not all zero/);
    expect(() => Rng.from('x' as unknown as number)).toThrow(/seed/);
  });
});
