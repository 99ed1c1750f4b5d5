import { relativeError } from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  bicgstab,
  conjugateGradient,
  conjugateGradientHost,
  conjugateGradientHostAsync,
  directSolve,
  neumannSeries,
  solveDenseSystem,
} from './linear-solvers';
import {
  addScaledIdentity,
  choleskySolve,
  f32,
  f32Mat,
  lambdaMax,
  type Mat,
  randMat,
  randn,
  randomSpd,
  read,
  report,
} from './testing/float64';

/** The tfjs operator v -> A v of a dense matrix. */
const operator = (A: Mat) => {
  const At = f32Mat(A);
  return {
    matvec: (v: tf.Tensor1D) =>
      tf.squeeze(tf.matMul(At, tf.reshape(v, [-1, 1])), [1]) as tf.Tensor1D,
    dispose: () => At.dispose(),
  };
};

describe('conjugateGradient', () => {
  it('solves random SPD systems to tolerance within about n products', () => {
    for (const [seed, n] of [
      [1, 5],
      [2, 20],
      [3, 50],
    ] as const) {
      const A = randomSpd(seed, n, 0.5);
      const b = randn(seed + 100, n);
      const op = operator(A);
      const bT = f32(b);
      const res = conjugateGradient(op.matvec, bT, { tol: 1e-6, maxIter: 3 * n });
      const err = relativeError(read(res.x), choleskySolve(A, b));
      report(`CG n=${n} iterations ${res.iterations}, rel. error vs Cholesky`, err);
      expect(res.converged).toBe(true);
      expect(res.negativeCurvature).toBe(false);
      expect(res.relativeResidual).toBeLessThanOrEqual(1e-6);
      // Exact arithmetic needs <= n; float32 products cost a few more on larger systems.
      expect(res.iterations).toBeLessThanOrEqual(n + 5);
      expect(err).toBeLessThan(1e-4);
      op.dispose();
      bT.dispose();
    }
  });

  it('solves (A + damping I) x = b', () => {
    const n = 15;
    const A = randomSpd(4, n, 0.1);
    const b = randn(5, n);
    const op = operator(A);
    const bT = f32(b);
    const res = conjugateGradient(op.matvec, bT, { damping: 0.7, maxIter: 50 });
    const err = relativeError(read(res.x), choleskySolve(addScaledIdentity(A, 0.7), b));
    report('CG damping 0.7 rel. error', err);
    expect(err).toBeLessThan(1e-4);
    op.dispose();
    bT.dispose();
  });

  it('stops and flags negative curvature on an indefinite matrix; damping fixes it', () => {
    const A: Mat = [
      Float64Array.of(1, 0, 0),
      Float64Array.of(0, -0.5, 0),
      Float64Array.of(0, 0, 2),
    ];
    const op = operator(A);
    const bT = f32([1, 1, 1]);
    const bad = conjugateGradient(op.matvec, bT);
    expect(bad.negativeCurvature).toBe(true);
    expect(bad.converged).toBe(false);
    bad.x.dispose();
    const ok = conjugateGradient(op.matvec, bT, { damping: 1 });
    expect(ok.converged).toBe(true);
    expect(relativeError(read(ok.x), [1 / 2, 1 / 0.5, 1 / 3])).toBeLessThan(1e-5);
    op.dispose();
    bT.dispose();
  });

  it('the asynchronous host CG runs the same iterations (same floats) and solves the system', async () => {
    const n = 12;
    const A = randomSpd(6, n, 0.1);
    const b = randn(7, n);
    // a float64 product on the host: the solve itself is then accurate to float64 rounding
    const matvec = (v: Float64Array) =>
      Float64Array.from(A, (row) => row.reduce((s, a, j) => s + a * v[j]!, 0));
    const options = { damping: 0.3, maxIter: 40, tol: 1e-12 };
    const sync = conjugateGradientHost(matvec, b, options);
    const async = await conjugateGradientHostAsync(async (v) => matvec(v), b, options);
    expect(Array.from(async.x)).toEqual(Array.from(sync.x));
    expect(async.iterations).toBe(sync.iterations);
    const exact = choleskySolve(addScaledIdentity(A, 0.3), b);
    // a well-conditioned 12x12 system in float64: CG converges to ~1e-12 relative residual
    expect(relativeError(async.x, exact)).toBeLessThan(1e-9);
  });

  it('returns x = 0 for b = 0 without any product', () => {
    let calls = 0;
    const bT = tf.zeros([4]) as tf.Tensor1D;
    const res = conjugateGradient((v) => {
      calls++;
      return tf.clone(v);
    }, bT);
    expect(calls).toBe(0);
    expect(Array.from(read(res.x))).toEqual([0, 0, 0, 0]);
    bT.dispose();
  });
});

describe('neumannSeries', () => {
  it('converges when ||I - alpha A|| < 1, with the residual it reports', () => {
    const n = 10;
    const A = randomSpd(6, n, 1);
    const b = randn(7, n);
    const lmax = lambdaMax(A);
    const op = operator(A);
    const bT = f32(b);
    const exact = choleskySolve(A, b);
    const errs = [5, 20, 80].map((terms) => {
      const res = neumannSeries(op.matvec, bT, { alpha: 1 / lmax, terms });
      const err = relativeError(read(res.x), exact);
      return { err, rel: res.relativeResidual };
    });
    errs.forEach(({ err }, i) => report(`Neumann ${[5, 20, 80][i]} terms rel. error`, err));
    expect(errs[1]!.err).toBeLessThan(errs[0]!.err);
    expect(errs[2]!.err).toBeLessThan(1e-4);
    expect(errs[2]!.rel).toBeLessThan(1e-4);
    op.dispose();
    bT.dispose();
  });

  it('diverges (growing residual) when alpha > 2 / lambda_max', () => {
    const A = randomSpd(8, 6, 1);
    const op = operator(A);
    const bT = f32(randn(9, 6));
    const alpha = 2.5 / lambdaMax(A);
    const r10 = neumannSeries(op.matvec, bT, { alpha, terms: 10 });
    const r30 = neumannSeries(op.matvec, bT, { alpha, terms: 30, tol: 1e-3 });
    expect(r30.relativeResidual).toBeGreaterThan(r10.relativeResidual);
    expect(r30.converged).toBe(false);
    r10.x.dispose();
    r30.x.dispose();
    op.dispose();
    bT.dispose();
  });
});

describe('bicgstab and directSolve', () => {
  const n = 12;
  // Non-symmetric, well conditioned: I * 3 + a random matrix scaled down.
  const A = addScaledIdentity(randMat(10, n, n, 0.3), 3);
  const b = randn(11, n);
  const exact = solveDenseSystem(A, b);

  it('bicgstab solves a non-symmetric system', () => {
    const op = operator(A);
    const bT = f32(b);
    const res = bicgstab(op.matvec, bT, { tol: 1e-6 });
    const err = relativeError(read(res.x), exact);
    report(`BiCGSTAB n=${n} (${res.iterations} products) rel. error`, err);
    expect(res.converged).toBe(true);
    expect(err).toBeLessThan(1e-4);
    op.dispose();
    bT.dispose();
  });

  it('directSolve matches, with damping', () => {
    const op = operator(A);
    const bT = f32(b);
    const res = directSolve(op.matvec, bT, { damping: 0.5 });
    const err = relativeError(read(res.x), solveDenseSystem(addScaledIdentity(A, 0.5), b));
    expect(err).toBeLessThan(1e-5);
    expect(res.iterations).toBe(n);
    op.dispose();
    bT.dispose();
  });

  it('solveDenseSystem agrees with Cholesky on SPD matrices and rejects singular ones', () => {
    const S = randomSpd(12, 8, 0.2);
    const c = randn(13, 8);
    expect(relativeError(solveDenseSystem(S, c), choleskySolve(S, c))).toBeLessThan(1e-12);
    expect(() =>
      solveDenseSystem([Float64Array.of(1, 2), Float64Array.of(2, 4)], c.slice(0, 2)),
    ).toThrow(/singular/);
  });
});

describe('memory', () => {
  it('solvers leak no tensors', () => {
    const A = randomSpd(14, 8, 0.5);
    const op = operator(A);
    const bT = f32(randn(15, 8));
    const run = () => {
      for (const res of [
        conjugateGradient(op.matvec, bT),
        neumannSeries(op.matvec, bT, { alpha: 0.2, terms: 5 }),
        bicgstab(op.matvec, bT),
        directSolve(op.matvec, bT),
      ])
        res.x.dispose();
    };
    run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) run();
    expect(tf.memory().numTensors).toBe(before);
    op.dispose();
    bT.dispose();
  });
});
