import { centralGradient, Rng, relativeError } from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type Batch, type SampledData, sampledData } from './data';
import { type Distance, defineDistance, forwardKL, l2, reverseKL } from './distances';
import { lowerLevelObjective } from './objective';
import { adapt, createOperator } from './operator';
import type { SolverSpec } from './solvers';
import { policyGradientSurrogate, surrogate } from './surrogates';
import { randomExactProblem, TestTabularPolicy } from './test-fixtures';

const policy = new TestTabularPolicy(5, 3);

function batch(seed: number, B = 80): Batch {
  const rng = new Rng(seed);
  return {
    observations: tf.tensor1d(
      Int32Array.from({ length: B }, () => rng.int(5)),
      'int32',
    ),
    actions: tf.tensor1d(
      Int32Array.from({ length: B }, () => rng.int(3)),
      'int32',
    ),
    advantages: Float32Array.from({ length: B }, () => rng.normal()),
    weights: Float32Array.from({ length: B }, (_, i) => 0.95 ** (i % 10)),
  };
}

const phiValues = Float32Array.from({ length: 15 }, (_, i) => 0.2 * Math.sin(i + 1));

/** The same policy without a closed-form kl: the KL distances fall back to sample estimates. */
const noKlPolicy = { logProb: policy.logProb.bind(policy) };

describe('sampled mode', () => {
  const cases: [string, Distance, SampledData['policy'], SolverSpec][] = [
    [
      'forward KL (closed-form kl), Adam',
      forwardKL,
      policy,
      { kind: 'adam', lr: 0.05, maxSteps: 3000, tol: 1e-4 },
    ],
    ['forward KL (sample estimate), Newton', forwardKL, noKlPolicy, { kind: 'newton' }],
    ['reverse KL (closed-form kl), Newton', reverseKL, policy, { kind: 'newton' }],
    [
      'reverse KL (sample estimate), gradient ascent',
      reverseKL,
      noKlPolicy,
      { kind: 'gradient-ascent', lr: 0.5, maxSteps: 5000, tol: 1e-5 },
    ],
    [
      'l2, gradient ascent',
      l2,
      policy,
      { kind: 'gradient-ascent', lr: 0.2, maxSteps: 2000, tol: 1e-6 },
    ],
  ];
  it.each(cases)(
    '%s reaches its stationarity tolerance and improves L',
    (_, distance, pol, solver) => {
      const b = batch(1);
      const data = sampledData(pol, b);
      const phi = tf.tensor1d(phiValues);
      const { params, diagnostics } = adapt(phi, data, { distance, lambda: 1, solver });
      const atPhi = lowerLevelObjective({ distance, lambda: 1 }, data)(
        phi,
        phi,
      ).dataSync()[0] as number;
      expect(diagnostics.converged).toBe(true);
      expect(diagnostics.gradNorm).toBeLessThanOrEqual((solver as { tol?: number }).tol ?? 1e-5);
      expect(diagnostics.objective).toBeGreaterThan(atPhi);
      expect(diagnostics.distance).toBeGreaterThan(0);
      tf.dispose([phi, params, b.observations, b.actions]);
    },
  );

  it('the smooth-clip ratio keeps L and its gradient at phi, and bounds the ratio', () => {
    const b = batch(2);
    const data = sampledData(policy, b);
    const phi = tf.tensor1d(phiValues);
    const plain = lowerLevelObjective({ distance: l2, lambda: 1 }, data);
    const smooth = lowerLevelObjective(
      { distance: l2, lambda: 1, surrogate: { ratio: 'smooth-clip' } },
      data,
    );
    const gPlain = tf
      .grad((t: tf.Tensor) => plain(t as tf.Tensor1D, phi))(phi)
      .dataSync();
    const gSmooth = tf
      .grad((t: tf.Tensor) => smooth(t as tf.Tensor1D, phi))(phi)
      .dataSync();
    expect(relativeError(Float64Array.from(gSmooth), Float64Array.from(gPlain))).toBeLessThan(1e-5);
    const r = adapt(phi, data, {
      distance: forwardKL,
      lambda: 0.05,
      surrogate: { ratio: 'smooth-clip' },
      solver: { kind: 'newton' },
    });
    expect(r.diagnostics.converged).toBe(true);
    expect(r.diagnostics.surrogate).toBeLessThan(
      2 * Math.max(...Array.from(b.advantages ?? []).map(Math.abs)),
    );
    tf.dispose([phi, r.params, b.observations, b.actions]);
  });

  it("the 'log-prob' transform is the REINFORCE surrogate plus a theta-free term, and equals L at phi", () => {
    const b = batch(3);
    const data = sampledData(policy, b);
    const phi = tf.tensor1d(phiValues);
    const logProb = surrogate(data, { ratio: 'log-prob' });
    const reinforce = policyGradientSurrogate(data);
    const value = (f: (t: tf.Tensor1D) => tf.Scalar, at: Float32Array) =>
      tf.tidy(() => f(tf.tensor1d(at)).dataSync()[0]!);
    const grad = (f: (t: tf.Tensor1D) => tf.Scalar, at: Float32Array) => {
      const g = tf.tidy(() => tf.grad((t: tf.Tensor) => f(t as tf.Tensor1D))(tf.tensor1d(at)));
      const out = Float64Array.from(g.dataSync());
      g.dispose();
      return out;
    };
    const thetas = [0.3, -0.7].map((c) => phiValues.map((p, i) => p + c * Math.sin(1.1 * i + c)));
    const gaps = thetas.map((th) => value((t) => logProb(t, phi), th) - value(reinforce, th));
    // the difference is sum_i w_i (1 - log pi_phi(a_i|s_i)) A_i whatever theta is (float32 sums)
    expect(Math.abs(gaps[0]! - gaps[1]!)).toBeLessThan(1e-5);
    for (const th of thetas) {
      expect(
        relativeError(
          grad((t) => logProb(t, phi), th),
          grad(reinforce, th),
        ),
      ).toBeLessThan(1e-5);
    }
    // f(1) = 1: at theta = phi (a distinct tensor) it is the plain L
    const plainAtPhi = value((t) => surrogate(data)(t, phi), phiValues);
    expect(Math.abs(value((t) => logProb(t, phi), phiValues) - plainAtPhi)).toBeLessThan(1e-6);
    tf.dispose([phi, b.observations, b.actions]);
  });

  it('a user distance plugs in through the typed hook (half l2 at 2 lambda equals l2 at lambda)', () => {
    const halfL2 = defineDistance({
      name: 'half-l2',
      value: (theta, phi) =>
        tf.tidy(() => tf.mul(0.5, tf.sum(tf.square(tf.sub(theta, phi)))) as tf.Scalar),
    });
    const b = batch(3);
    const data = sampledData(policy, b);
    const phi = tf.tensor1d(phiValues);
    const a = adapt(phi, data, { distance: halfL2, lambda: 2, solver: { kind: 'newton' } });
    const c = adapt(phi, data, { distance: l2, lambda: 1, solver: { kind: 'newton' } });
    expect(a.diagnostics.operator).toBe('penalized/half-l2');
    expect(
      relativeError(Float64Array.from(a.params.dataSync()), Float64Array.from(c.params.dataSync())),
    ).toBeLessThan(1e-5);
    tf.dispose([phi, a.params, c.params, b.observations, b.actions]);
  });

  it('operators swap with one line and leak no tensors', () => {
    const b = batch(4);
    const data = sampledData(policy, b);
    const phi = tf.tensor1d(phiValues);
    const operators = [
      createOperator({
        distance: forwardKL,
        lambda: 0.5,
        solver: { kind: 'adam', lr: 1e-2, maxSteps: 20 },
      }),
      createOperator({ distance: reverseKL, lambda: 0.5, solver: { kind: 'newton' } }),
      createOperator({ kind: 'constrained', distance: l2, delta: 0.1, solver: { kind: 'newton' } }),
      createOperator({ kind: 'maml', alpha: 0.1 }),
    ];
    // Warm-up: tfjs keeps a few engine-level tensors on first use of a kernel.
    for (const op of operators) op.adapt(phi, data).params.dispose();
    const before = tf.memory().numTensors;
    for (const op of operators) {
      const { params } = op.adapt(phi, data);
      expect(params.shape).toEqual([15]);
      params.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(operators.map((o) => o.name)).toEqual([
      'penalized/forward-kl',
      'penalized/reverse-kl',
      'constrained/l2',
      'maml',
    ]);
    tf.dispose([phi, b.observations, b.actions]);
  });

  it('recorded old log-probs are constants: same theta, but phi no longer enters through the ratio', () => {
    const b = batch(5);
    const phi = tf.tensor1d(phiValues);
    const old = policy.logProb(phi, b.observations, b.actions);
    const withOld = sampledData(policy, { ...b, oldLogProbs: Float32Array.from(old.dataSync()) });
    const recomputed = sampledData(policy, b);
    const x = adapt(phi, withOld, { distance: l2, lambda: 1, solver: { kind: 'newton' } });
    const y = adapt(phi, recomputed, { distance: l2, lambda: 1, solver: { kind: 'newton' } });
    expect(
      relativeError(Float64Array.from(x.params.dataSync()), Float64Array.from(y.params.dataSync())),
    ).toBeLessThan(1e-5);
    tf.dispose([phi, old, x.params, y.params, b.observations, b.actions]);
  });
});

describe('lowerLevelObjective', () => {
  it('is differentiable in phi: grad_phi G matches central differences (exact mode, forward KL)', () => {
    const { data, phiValues: p } = randomExactProblem(3, 3, 9);
    const G = lowerLevelObjective(
      { distance: forwardKL, lambda: 0.7, surrogate: { ratio: 'smooth-clip' } },
      data,
    );
    const theta = tf.tensor1d(p.map((v, i) => v + 0.3 * Math.cos(i)));
    const phi = tf.tensor1d(p);
    const g = tf
      .grad((x: tf.Tensor) => G(theta, x as tf.Tensor1D))(phi)
      .dataSync();
    const fd = centralGradient(
      (x) => tf.tidy(() => G(theta, tf.tensor1d(Float32Array.from(x))).dataSync()[0] as number),
      Float64Array.from(p),
      1e-2,
    );
    expect(relativeError(Float64Array.from(g), fd)).toBeLessThan(2e-3);
    tf.dispose([theta, phi]);
  });
});
