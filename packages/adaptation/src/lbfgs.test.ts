import type { Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { lbfgsMaximize } from './lbfgs';
import { maximize } from './solvers';

describe('L-BFGS lower-level solver', () => {
  it('maximizes an ill-conditioned concave quadratic to its exact maximizer (float64)', () => {
    // G(x) = -1/2 sum_i a_i (x_i - c_i)^2 with curvatures spanning 0.1..10 (condition 100)
    const n = 30;
    const a = Float64Array.from({ length: n }, (_, i) => 10 ** (1 - (2 * i) / (n - 1)));
    const c = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    const G = (x: Float64Array) => {
      let value = 0;
      const grad = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        value -= 0.5 * a[i]! * (x[i]! - c[i]!) ** 2;
        grad[i] = -a[i]! * (x[i]! - c[i]!);
      }
      return { value, grad };
    };
    const { x, steps } = lbfgsMaximize(G, new Float64Array(n), {
      kind: 'lbfgs',
      maxSteps: 200,
      tol: 1e-10,
    });
    expect(Math.hypot(...G(x).grad)).toBeLessThanOrEqual(1e-10);
    x.forEach((v, i) => expect(v).toBeCloseTo(c[i]!, 8));
    // gradient ascent at its best step 1/10 needs ~ condition * ln(1e11) ~ 2500 iterations
    expect(steps).toBeLessThan(150);
  });

  it('through maximize(): reaches the same maximizer as Newton on a non-quadratic tfjs objective', () => {
    const n = 12;
    const c = tf.tensor1d(Float32Array.from({ length: n }, (_, i) => 0.8 * Math.cos(i)));
    const w = tf.tensor1d(Float32Array.from({ length: n }, (_, i) => 0.5 + (i % 4)));
    // G(x) = -sum w (x - c)^2 - 0.3 sum x^4 + 0.2 sum x: strictly concave, unique maximizer
    const f = (x: Tensor1D) =>
      tf.tidy(() =>
        tf.sum(
          tf.add(
            tf.neg(tf.add(tf.mul(w, tf.square(tf.sub(x, c))), tf.mul(0.3, tf.pow(x, 4)))),
            tf.mul(0.2, x),
          ),
        ),
      ) as tf.Scalar;
    const x0 = tf.zeros([n]) as Tensor1D;
    const before = tf.memory().numTensors;
    const lb = maximize(f, x0, { kind: 'lbfgs', maxSteps: 100, tol: 1e-5 });
    const nt = maximize(f, x0, { kind: 'newton', tol: 1e-5 });
    expect(lb.converged).toBe(true);
    expect(lb.gradNorm).toBeLessThanOrEqual(1e-5);
    // one evaluation per iteration at least, plus the start; no Hessian products
    expect(lb.cost?.evaluations).toBeGreaterThanOrEqual(lb.steps + 1);
    expect(lb.cost?.hessianProducts).toBe(0);
    // both stop at ||grad|| <= 1e-5 with curvature >= 1: within ~1e-5 of the maximizer
    const diff = Math.max(
      ...Array.from(lb.theta.dataSync(), (v, i) => Math.abs(v - nt.theta.dataSync()[i]!)),
    );
    expect(diff).toBeLessThanOrEqual(2e-5);
    tf.dispose([lb.theta, nt.theta]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([c, w, x0]);
  });

  it('names the field of a bad option', () => {
    const G = (x: Float64Array) => ({ value: 0, grad: new Float64Array(x.length) });
    expect(() => lbfgsMaximize(G, new Float64Array(2), { kind: 'lbfgs', memory: 0 })).toThrow(
      /memory/,
    );
  });
});
