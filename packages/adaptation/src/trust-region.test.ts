import { centralHessianVectorProduct, relativeError } from '@bomrl/core';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { sampledData } from './data';
import { forwardKL, reverseKL } from './distances';
import { lowerLevelObjective } from './objective';
import { adapt } from './operator';
import { hostHessian, maximize } from './solvers';
import { maxProbabilityGap, randomExactProblem, TestTabularPolicy } from './test-fixtures';
import { steihaugStep, trustRegionMaximize } from './trust-region';

/** A symmetric matrix with the given eigenvalues in a fixed rotated basis (row-major). */
function rotatedMatrix(eigenvalues: number[]): Float64Array {
  const n = eigenvalues.length;
  // Q = Householder reflection I - 2 u u^T / u.u: orthogonal, so M = Q diag(e) Q has spectrum e
  const u = Float64Array.from({ length: n }, (_, i) => Math.cos(1 + 2 * i));
  const uu = u.reduce((s, v) => s + v * v, 0);
  const Q = (i: number, j: number) => (i === j ? 1 : 0) - (2 * u[i]! * u[j]!) / uu;
  const M = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += Q(i, k) * eigenvalues[k]! * Q(k, j);
      M[i * n + j] = s;
    }
  return M;
}

const matvec = (M: Float64Array, n: number) => (v: Float64Array) =>
  Float64Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += M[i * n + j]! * v[j]!;
    return s;
  });

describe('Steihaug-Toint model step', () => {
  const n = 8;
  const g = Float64Array.from({ length: n }, (_, i) => Math.sin(3 * i + 1));

  it('inside a large ball it is the Newton step (-H)^-1 g, and predicts its exact ascent', () => {
    const eig = [-0.5, -1, -2, -3, -5, -8, -13, -21]; // H negative definite: G concave
    const H = rotatedMatrix(eig);
    const step = steihaugStep(matvec(H, n), g, 1e6, n, 1e-12);
    expect(step.onBoundary).toBe(false);
    // (-H) d = g holds to float64 CG accuracy after n products (condition 42)
    const residual = matvec(H, n)(step.d).map((v, i) => v + g[i]!);
    expect(Math.hypot(...residual)).toBeLessThan(1e-9);
    // the model's ascent at its maximizer is g.d / 2 exactly
    const gd = step.d.reduce((s, v, i) => s + v * g[i]!, 0);
    expect(step.predicted).toBeCloseTo(gd / 2, 10);
  });

  it('stops on the boundary of a small ball, ascending the model', () => {
    const H = rotatedMatrix([-0.5, -1, -2, -3, -5, -8, -13, -21]);
    const step = steihaugStep(matvec(H, n), g, 0.05, n, 1e-12);
    expect(step.onBoundary).toBe(true);
    expect(Math.hypot(...step.d)).toBeCloseTo(0.05, 12);
    expect(step.predicted).toBeGreaterThan(0);
  });

  it('follows positive curvature of G (no maximum of the model) to the boundary', () => {
    const H = rotatedMatrix([2, -1, -2, -3, -5, -8, -13, -21]); // one convex direction
    const step = steihaugStep(matvec(H, n), g, 3, n, 1e-12);
    expect(step.onBoundary).toBe(true);
    expect(Math.hypot(...step.d)).toBeCloseTo(3, 12);
    const Hd = matvec(H, n)(step.d);
    const model =
      step.d.reduce((s, v, i) => s + v * g[i]!, 0) +
      0.5 * step.d.reduce((s, v, i) => s + v * Hd[i]!, 0);
    expect(step.predicted).toBeCloseTo(model, 10);
    expect(step.predicted).toBeGreaterThan(0);
  });
});

describe('trust-region Newton-CG solver', () => {
  it('maximizes an ill-conditioned concave quadratic to its exact maximizer (float64)', () => {
    const n = 30;
    const a = Float64Array.from({ length: n }, (_, i) => 10 ** (1 - (2 * i) / (n - 1)));
    const c = Float64Array.from({ length: n }, (_, i) => 3 * Math.sin(i));
    const run = trustRegionMaximize(
      {
        evaluate: (x) => ({
          value: -0.5 * x.reduce((s, xi, i) => s + a[i]! * (xi - c[i]!) ** 2, 0),
          grad: x.map((xi, i) => -a[i]! * (xi - c[i]!)),
        }),
        hessianAt: () => ({ apply: (v) => v.map((vi, i) => -a[i]! * vi), dispose: () => {} }),
      },
      new Float64Array(n),
      { kind: 'newton-cg', maxSteps: 50, cgIterations: n, cgTol: 1e-12, tol: 1e-10 },
    );
    // ||c|| ~ 12 from a start radius of 0.1: the radius doubles on every boundary step, then
    // full Newton steps finish; the maximizer is c to float64 CG accuracy
    run.x.forEach((v, i) => expect(v).toBeCloseTo(c[i]!, 8));
    expect(run.stalled).toBe(false);
    expect(run.steps).toBeLessThan(20);
  });

  it.each([0.3, 1])(
    'through adapt(): exact Alg(2) reaches the closed-form solution (lambda %s)',
    (lambda) => {
      // Exact mode, reverse KL: the closed form pi' ~ pi_phi exp(A / lambda) is the exact answer.
      // Every state is visited (nu >= ~0.05), so G pins down every row of theta'. Without the
      // per-state structure the solver sees one 24-parameter problem whose Hessian is singular
      // along each state's ones vector (the KL's shift invariance); CG never enters that null
      // space because the gradient is orthogonal to it.
      const { data, phiValues } = randomExactProblem(6, 4, 11);
      const phi = tf.tensor1d(phiValues);
      const before = tf.memory().numTensors;
      const closed = adapt(phi, data, {
        distance: reverseKL,
        lambda,
        solver: { kind: 'closed-form' },
      });
      const tr = adapt(phi, data, {
        distance: reverseKL,
        lambda,
        solver: { kind: 'newton-cg', maxSteps: 100, cgIterations: 24, radius: 1, tol: 1e-6 },
      });
      expect(tr.diagnostics.converged).toBe(true);
      expect(tr.diagnostics.gradNorm).toBeLessThanOrEqual(1e-6);
      // the bound the Newton solver meets against the same closed form (closed-form.test.ts):
      // at ||grad G|| <= 1e-6 the float32 evaluation of G, not the solver, limits the agreement
      expect(maxProbabilityGap(closed.params, tr.params, 6, 4)).toBeLessThan(1e-5);
      tf.dispose([closed.params, tr.params]);
      expect(tf.memory().numTensors).toBe(before);
      phi.dispose();
    },
    120_000,
  );

  it('its Hessian-vector products match float64 central differences of the same objective', () => {
    // G on a sampled tabular batch: plain importance ratio times A, minus lambda * forward KL
    const nS = 3;
    const nA = 3;
    const states = [0, 1, 2, 0, 1, 2, 0];
    const actions = [0, 2, 1, 1, 0, 2, 2];
    const adv = [1.5, -0.7, 0.3, -1.1, 0.8, 0.4, -0.2];
    const lambda = 0.4;
    const policy = new TestTabularPolicy(nS, nA);
    const phiValues = Float64Array.from({ length: nS * nA }, (_, i) => 0.3 * Math.cos(2 * i));
    const logSoftmaxRow = (t: Float64Array, s: number) => {
      const row = Array.from({ length: nA }, (_, a) => t[s * nA + a]!);
      const m = Math.max(...row);
      const z = Math.log(row.reduce((acc, v) => acc + Math.exp(v - m), 0)) + m;
      return row.map((v) => v - z);
    };
    const G64 = (t: Float64Array) => {
      let value = 0;
      states.forEach((s, i) => {
        const lt = logSoftmaxRow(t, s);
        const lp = logSoftmaxRow(phiValues, s);
        const ratio = Math.exp(lt[actions[i]!]! - lp[actions[i]!]!);
        let kl = 0;
        for (let a = 0; a < nA; a++) kl += Math.exp(lp[a]!) * (lp[a]! - lt[a]!);
        value += (ratio * adv[i]! - lambda * kl) / states.length;
      });
      return value;
    };
    const batch = {
      observations: tf.tensor1d(states, 'int32'),
      actions: tf.tensor1d(actions, 'int32'),
      advantages: Float32Array.from(adv),
    };
    const data = sampledData(policy, batch);
    const phi = tf.tensor1d(Float32Array.from(phiValues));
    const G = lowerLevelObjective({ distance: forwardKL, lambda }, data);
    const f = (t: Tensor1D) => G(t, phi);
    const x = Float64Array.from({ length: nS * nA }, (_, i) => phiValues[i]! + 0.4 * Math.sin(i));
    const v = Float64Array.from({ length: nS * nA }, (_, i) => Math.cos(3 * i + 0.5));
    const hessian = hostHessian(f, Float64Array.from(Float32Array.from(x)));
    const product = hessian.apply(v);
    hessian.dispose();
    const reference = centralHessianVectorProduct(G64, Float64Array.from(Float32Array.from(x)), v);
    // float32 double backprop on O(1) quantities carries ~1e-6 relative error; the float64
    // central differences (h = 1e-4) are accurate to ~1e-8: 1e-4 leaves a wide margin over both
    expect(relativeError(product, reference)).toBeLessThan(1e-4);
    tf.dispose([batch.observations, batch.actions, phi]);
  });

  it('leaves no tensors behind across repeated solves', () => {
    const n = 12;
    const c = tf.tensor1d(Float32Array.from({ length: n }, (_, i) => 0.8 * Math.cos(i)));
    const f = (x: Tensor1D) =>
      tf.tidy(() =>
        tf.neg(tf.sum(tf.add(tf.square(tf.sub(x, c)), tf.mul(0.3, tf.pow(x, 4))))),
      ) as tf.Scalar;
    const x0 = tf.zeros([n]) as Tensor1D;
    const counts: number[] = [];
    for (let k = 0; k < 3; k++) {
      const r = maximize(f, x0, { kind: 'newton-cg', tol: 1e-5, maxSteps: 30 });
      expect(r.converged).toBe(true);
      expect(r.cost?.hessianProducts).toBeGreaterThan(0);
      r.theta.dispose();
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts).size).toBe(1);
    tf.dispose([c, x0]);
  });

  it('names the field of a bad option', () => {
    const f = (x: Tensor1D) => tf.tidy(() => tf.neg(tf.sum(tf.square(x)))) as tf.Scalar;
    const x0 = tf.ones([2]) as Tensor1D;
    expect(() => maximize(f, x0, { kind: 'newton-cg', cgIterations: 0 })).toThrow(/cgIterations/);
    expect(() => maximize(f, x0, { kind: 'newton-cg', radius: 2, maxRadius: 1 })).toThrow(
      /maxRadius/,
    );
    x0.dispose();
  });
});
