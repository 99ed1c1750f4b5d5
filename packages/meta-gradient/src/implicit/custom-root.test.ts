import { Random, relativeError } from '@bomrl/core';
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { customRoot } from './custom-root';
import { solveDenseSystem } from './linear-solvers';

/**
 * Ridge regression: theta*(lambda) = argmin_theta 1/2 ||X theta - y||^2 + lambda/2 ||theta||^2
 * = (X^T X + lambda I)^{-1} X^T y, validation loss V(theta) = 1/2 ||Xv theta - yv||^2. Closed
 * form: dV/dlambda = -(Xv^T r)^T (X^T X + lambda I)^{-1} theta*, r = Xv theta* - yv (float64).
 */
const n = 30;
const d = 5;
const rng = new Random(3);
const X = Array.from({ length: n }, () => Float64Array.from({ length: d }, () => rng.normal()));
const Xv = Array.from({ length: n }, () => Float64Array.from({ length: d }, () => rng.normal()));
const truth = Float64Array.from({ length: d }, () => rng.normal());
const targets = (A: Float64Array[]) =>
  Float64Array.from(A, (row) => row.reduce((s, x, j) => s + x * truth[j]!, 0) + 0.5 * rng.normal());
const y = targets(X);
const yv = targets(Xv);

/** X^T X + lambda I and X^T y in float64. */
function normalEquations(lambda: number): { M: Float64Array[]; b: Float64Array } {
  const M = Array.from({ length: d }, (_, i) =>
    Float64Array.from({ length: d }, (_, j) => X.reduce((s, row) => s + row[i]! * row[j]!, 0)),
  );
  for (let i = 0; i < d; i++) M[i]![i]! += lambda;
  const b = Float64Array.from({ length: d }, (_, i) =>
    X.reduce((s, row, k) => s + row[i]! * y[k]!, 0),
  );
  return { M, b };
}

function closedForm(lambda: number): { theta: Float64Array; dVdLambda: number } {
  const { M, b } = normalEquations(lambda);
  const theta = solveDenseSystem(M, b);
  const r = Xv.map((row, k) => row.reduce((s, x, j) => s + x * theta[j]!, 0) - yv[k]!);
  const XvTr = Float64Array.from({ length: d }, (_, j) =>
    Xv.reduce((s, row, k) => s + row[j]! * r[k]!, 0),
  );
  const u = solveDenseSystem(M, theta);
  return { theta, dVdLambda: -XvTr.reduce((s, x, j) => s + x * u[j]!, 0) };
}

const Xt = tf.tensor2d(
  X.flatMap((r) => Array.from(r)),
  [n, d],
);
const yt = tf.tensor1d(Float32Array.from(y));
const Xvt = tf.tensor2d(
  Xv.flatMap((r) => Array.from(r)),
  [n, d],
);
const yvt = tf.tensor1d(Float32Array.from(yv));
const residual = (A: Tensor, b: Tensor, theta: Tensor1D) =>
  tf.sub(tf.reshape(tf.matMul(A, tf.reshape(theta, [d, 1])), [n]), b);

/** G(theta, phi) with phi = [lambda]. */
const objective = (theta: Tensor1D, phi: Tensor1D): Scalar =>
  tf.add(
    tf.mul(0.5, tf.sum(tf.square(residual(Xt, yt, theta)))),
    tf.mul(tf.mul(0.5, tf.sum(phi)), tf.sum(tf.square(theta))),
  ) as Scalar;
/** The inner solver: float64 normal equations on the host (any solver would do). */
const solver = (phi: Tensor1D): Tensor1D => {
  const { M, b } = normalEquations(phi.dataSync()[0]!);
  return tf.tensor1d(Float32Array.from(solveDenseSystem(M, b)));
};
const validation = (theta: Tensor1D): Scalar =>
  tf.mul(0.5, tf.sum(tf.square(residual(Xvt, yvt, theta)))) as Scalar;

describe('customRoot: ridge regression through tf.grad', () => {
  const lambda = 2.5;
  const exact = closedForm(lambda).dVdLambda;

  it('tf.grad of the validation loss equals the closed-form dV/dlambda (1e-4 relative)', () => {
    const ridge = customRoot({
      solver,
      objective,
      sense: 'min',
      solve: { kind: 'cg', tol: 1e-10 },
    });
    const got = tf.tidy(
      () =>
        tf
          .grad((phi: Tensor) => validation(ridge(phi as Tensor1D)))(tf.tensor1d([lambda]))
          .dataSync()[0]!,
    );
    // float32 products, float64 CG: measured ~1e-7; 1e-4 leaves room for other backends while
    // any missing term or sign is an O(1) error
    expect(Math.abs(got - exact) / Math.abs(exact)).toBeLessThan(1e-4);
  });

  it('the forward value is the solver output and composes with other uses of phi', () => {
    const ridge = customRoot({ solver, objective, sense: 'min' });
    const phi = tf.tensor1d([lambda]);
    const theta = ridge(phi);
    expect(relativeError(theta.dataSync(), closedForm(lambda).theta)).toBeLessThan(1e-5);
    // outer = V(theta*(lambda)) + lambda^2: d/dlambda = dV/dlambda + 2 lambda
    const got = tf.tidy(
      () =>
        tf
          .grad((p: Tensor) => tf.add(validation(ridge(p as Tensor1D)), tf.sum(tf.square(p))))(phi)
          .dataSync()[0]!,
    );
    expect(Math.abs(got - (exact + 2 * lambda)) / Math.abs(exact + 2 * lambda)).toBeLessThan(1e-4);
    tf.dispose([phi, theta]);
  });

  it('an optimality condition F = grad_theta G gives the same gradient (BiCGSTAB)', () => {
    const condition = (theta: Tensor1D, phi: Tensor1D): Tensor1D =>
      tf.grad((t: Tensor) => objective(t as Tensor1D, phi))(theta) as Tensor1D;
    const ridge = customRoot({ solver, condition, solve: { kind: 'bicgstab', tol: 1e-10 } });
    const got = tf.tidy(
      () =>
        tf
          .grad((phi: Tensor) => validation(ridge(phi as Tensor1D)))(tf.tensor1d([lambda]))
          .dataSync()[0]!,
    );
    expect(Math.abs(got - exact) / Math.abs(exact)).toBeLessThan(1e-4);
  });

  it('a solver that takes tfjs gradients of its own works under tf.grad', () => {
    // gradient descent on G with tf.grad (step 1 / (||X||_F^2 + lambda), which is below
    // 2 / lambda_max(X^T X + lambda I)): tfjs runs customGrad's forward as a kernel, where no
    // gradient is recorded, so customRoot must run the solver outside it
    const descent = (phi: Tensor1D): Tensor1D => {
      const p = phi.dataSync()[0]!;
      const step = 1 / (X.reduce((s, row) => s + row.reduce((t, x) => t + x * x, 0), 0) + p);
      let theta = tf.zeros([d]) as Tensor1D;
      for (let k = 0; k < 3000; k++) {
        const next = tf.tidy(() => {
          const g = tf.grad((t: Tensor) => objective(t as Tensor1D, phi))(theta);
          return tf.sub(theta, tf.mul(step, g)) as Tensor1D;
        });
        theta.dispose();
        theta = next;
      }
      return theta;
    };
    const ridge = customRoot({ solver: descent, objective, sense: 'min' });
    const got = tf.tidy(
      () =>
        tf
          .grad((phi: Tensor) => validation(ridge(phi as Tensor1D)))(tf.tensor1d([lambda]))
          .dataSync()[0]!,
    );
    // the descent stops at float32 stationarity (~1e-6 in theta); 1e-3 bounds that, while a
    // solver that failed or a gradient through the iterations would be far off or throw
    expect(Math.abs(got - exact) / Math.abs(exact)).toBeLessThan(1e-3);
  }, 120_000);

  it('a non-stationary solver throws without onDiagnostics and reports with it', () => {
    const sloppy = (phi: Tensor1D) => tf.tidy(() => tf.add(solver(phi), 0.1) as Tensor1D);
    const loss = (root: (p: Tensor1D) => Tensor1D) => () =>
      tf.tidy(() => tf.grad((p: Tensor) => validation(root(p as Tensor1D)))(tf.tensor1d([lambda])));
    expect(loss(customRoot({ solver: sloppy, objective, sense: 'min' }))).toThrow(/not stationary/);
    const seen: string[] = [];
    const reported = customRoot({
      solver: sloppy,
      objective,
      sense: 'min',
      onDiagnostics: (d) => seen.push(...d.warnings),
    });
    loss(reported)();
    expect(seen.join('\n')).toMatch(/not stationary/);
  });

  it('a missing sense throws naming the field', () => {
    expect(() =>
      customRoot({ solver, objective } as unknown as Parameters<typeof customRoot>[0]),
    ).toThrow(/options\.sense is required/);
  });

  it('leaves no tensors behind across repeated gradients', () => {
    const ridge = customRoot({ solver, objective, sense: 'min' });
    const step = () =>
      tf.tidy(() => {
        tf.grad((phi: Tensor) => validation(ridge(phi as Tensor1D)))(tf.tensor1d([lambda]));
      });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
  });
});
