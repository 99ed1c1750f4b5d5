import { describe, expect, it } from 'vitest';
import { FirstOrderOptimizer } from './first-order';
import { trustRegionStep } from './trust-region-step';

describe('FirstOrderOptimizer', () => {
  it('SGD ascends by lr * gradient', () => {
    const o = new FirstOrderOptimizer({ kind: 'sgd', lr: 0.5 });
    expect(Array.from(o.ascend(Float64Array.from([1, 2]), Float64Array.from([2, -4])))).toEqual([
      2, 0,
    ]);
  });

  it("Adam's first step moves every coordinate by lr in the gradient's sign", () => {
    const o = new FirstOrderOptimizer({ kind: 'adam', lr: 0.03 });
    const p = o.ascend(Float64Array.from([0, 0, 0]), Float64Array.from([5, -0.001, 2]));
    p.forEach((x, i) => expect(x).toBeCloseTo([0.03, -0.03, 0.03][i]!, 6));
  });

  it('maximizes a concave quadratic', () => {
    const o = new FirstOrderOptimizer({ kind: 'adam', lr: 0.05 });
    let p: Float64Array = Float64Array.from([3, -2]);
    for (let i = 0; i < 2000; i++)
      p = o.ascend(
        p,
        p.map((x, j) => -(x - [1, 0.5][j]!)),
      );
    expect(p[0]).toBeCloseTo(1, 3);
    expect(p[1]).toBeCloseTo(0.5, 3);
  });

  it('resumes bit-exactly from a JSON round-trip of its state', () => {
    const a = new FirstOrderOptimizer({ kind: 'adam', lr: 0.1 });
    let p: Float64Array = Float64Array.from([1, 1]);
    const grad = (x: Float64Array) => x.map((v) => Math.sin(v) - v);
    for (let i = 0; i < 3; i++) p = a.ascend(p, grad(p));
    const b = new FirstOrderOptimizer({ kind: 'adam', lr: 0.1 });
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    let pa: Float64Array = p;
    let pb: Float64Array = Float64Array.from(p);
    for (let i = 0; i < 5; i++) {
      pa = a.ascend(pa, grad(pa));
      pb = b.ascend(pb, grad(pb));
    }
    expect(Array.from(pb)).toEqual(Array.from(pa));
  });

  it('refuses NaN gradients and mismatched sizes', () => {
    const o = new FirstOrderOptimizer({ kind: 'adam', lr: 0.1 });
    expect(() => o.ascend(Float64Array.from([1]), Float64Array.from([Number.NaN]))).toThrow(/NaN/);
    expect(() => o.ascend(Float64Array.from([1]), Float64Array.from([1, 2]))).toThrow(
      /1 params but 2/,
    );
    expect(() => new FirstOrderOptimizer({ kind: 'sgd', lr: 0 })).toThrow(/lr must be > 0/);
  });
});

describe('trustRegionStep', () => {
  // Gaussian mean family with diagonal precision: KL(p_old || p_new) = 1/2 d^T F d exactly
  const F = [4, 1, 0.25];
  const fisher = (v: Float64Array) => v.map((x, i) => F[i]! * x);
  const kl = (d: Float64Array) => 0.5 * d.reduce((s, x, i) => s + F[i]! * x * x, 0);
  const params = Float64Array.from([0, 0, 0]);
  const g = Float64Array.from([1, 1, 1]);

  it('takes the natural-gradient direction scaled to the KL bound', async () => {
    const maxKl = 0.01;
    // (the KL is reported a hair below the quadratic model so rounding cannot force a backtrack)
    const r = await trustRegionStep(
      params,
      g,
      fisher,
      (c) => ({ kl: kl(c) * (1 - 1e-9), improvement: 1 }),
      {
        maxKl,
        cgDamping: 0,
      },
    );
    expect(r.accepted).toBe(true);
    expect(r.backtracks).toBe(0);
    expect(r.kl).toBeCloseTo(maxKl, 8);
    // direction F^{-1} g
    const dir = g.map((x, i) => x / F[i]!);
    const ratio = r.params[0]! / dir[0]!;
    r.params.forEach((x, i) => expect(x / dir[i]!).toBeCloseTo(ratio, 8));
  });

  it('backtracks until the KL bound holds and the surrogate improves, never exceeding max_kl', async () => {
    const maxKl = 0.02;
    // the true KL is twice the quadratic model's: the full step violates the bound
    const r = await trustRegionStep(params, g, fisher, (c) => ({ kl: 2 * kl(c), improvement: 1 }), {
      maxKl,
      cgDamping: 0,
    });
    expect(r.accepted).toBe(true);
    expect(r.backtracks).toBeGreaterThan(0);
    expect(r.kl).toBeLessThanOrEqual(maxKl);
    const none = await trustRegionStep(params, g, fisher, (c) => ({ kl: kl(c), improvement: -1 }), {
      maxKl,
    });
    expect(none.accepted).toBe(false);
    expect(Array.from(none.params)).toEqual([0, 0, 0]);
  });

  it('reads a lazy improvement only for candidates within the KL bound', async () => {
    const maxKl = 0.02;
    const reads: number[] = [];
    const r = await trustRegionStep(
      params,
      g,
      fisher,
      (c) => {
        const value = 2 * kl(c);
        return {
          kl: value,
          get improvement() {
            reads.push(value);
            return 1;
          },
        };
      },
      { maxKl, cgDamping: 0 },
    );
    expect(r.accepted).toBe(true);
    expect(r.backtracks).toBeGreaterThan(0);
    // one read: the accepted candidate's; the rejected ones were judged by their KL alone
    expect(reads).toHaveLength(1);
    expect(reads[0]).toBeLessThanOrEqual(maxKl);
  });
});
