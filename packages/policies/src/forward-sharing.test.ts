import {
  centralGradient,
  centralHessianVectorProduct,
  gradient,
  hessianVectorProduct,
  holdingForwardPasses,
  relativeError,
  sharingForwardPasses,
} from '@bomrl/core';
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CategoricalMLPPolicy } from './categorical-mlp';
import { GaussianMLPPolicy } from './gaussian-mlp';
import type { Policy } from './policy';
import { f32, point } from './test-utils/derivatives';
import { HIDDEN, nearbyPoint, OBS } from './test-utils/mlp-case';
import {
  categoricalMlpRef,
  type Dist64,
  gaussianMlpRef,
  kl64,
  logProb64,
  type PolicyRef64,
} from './test-utils/reference64';

/*
 * `@bomrl/core`'s forward sharing as the MLP policies use it. The objective is BO-MRL's shape,
 *     G(theta, phi) = sum_i w_i exp(log pi_theta(a_i|s_i) - log pi_phi(a_i|s_i)) A_i
 *                     - lambda mean_s KL(pi_phi(.|s) || pi_theta(.|s)),
 * which evaluates both pi_theta and pi_phi twice: under sharing each network runs once. Its
 * derivatives (gradient, Hessian-vector product and, through the joint Hessian in (theta, phi),
 * the cross product the implicit gradient needs) are checked against float64 central
 * differences of an independent plain-TypeScript reference.
 *
 * Tolerance 1e-5 relative (measured: <= 2e-7 on cpu): the float32 evaluation of this small net
 * (~1e-7 relative per value) and the reference's own error (O(h^2) ~ 1e-8 truncation, ~1e-8
 * rounding of its nested differences at h = 1e-4) are far below it, while a lost path (e.g. the
 * second use of a network contributing no gradient) is an O(1) error.
 */

const B = 6;
const LAMBDA = 0.7;
const obsRows = point(61, B * OBS, 1.1, 0.1);
const weights = point(62, B, 0.3, 0.5);
const advantages = point(63, B, 1);

interface Case {
  readonly name: string;
  readonly policy: Policy;
  readonly ref: PolicyRef64;
  readonly actions64: number[] | Float64Array;
}

function cases(): Case[] {
  const gaussian = new GaussianMLPPolicy({ obsDim: OBS, actDim: 2, hidden: HIDDEN });
  const categorical = new CategoricalMLPPolicy({ obsDim: OBS, nActions: 3, hidden: HIDDEN });
  return [
    {
      name: 'gaussian-mlp',
      policy: gaussian,
      ref: gaussianMlpRef(obsRows, OBS, HIDDEN, 2, gaussian.config.minStd),
      actions64: point(64, B * 2, 0.8),
    },
    {
      name: 'categorical-mlp',
      policy: categorical,
      ref: categoricalMlpRef(obsRows, OBS, HIDDEN, 3),
      actions64: Array.from({ length: B }, (_, i) => i % 3),
    },
  ];
}

/** G in tfjs, one forward pass per network when `shared`. */
function objective(c: Case, obs: Tensor, actions: Tensor, shared: boolean) {
  const w = f32(weights);
  const a = f32(advantages);
  const G = (theta: Tensor1D, phi: Tensor1D) =>
    tf.tidy(() => {
      const logRatio = tf.sub(
        c.policy.logProb(theta, obs, actions),
        c.policy.logProb(phi, obs, actions),
      );
      const L = tf.sum(tf.mul(tf.mul(w, a), tf.exp(logRatio)));
      return tf.sub(L, tf.mul(LAMBDA, tf.mean(c.policy.kl(phi, theta, obs)))) as Scalar;
    });
  return {
    G: (theta: Tensor1D, phi: Tensor1D) =>
      shared ? sharingForwardPasses(() => G(theta, phi)) : G(theta, phi),
    dispose: () => tf.dispose([w, a]),
  };
}

/** G in float64. */
function objective64(c: Case) {
  return (theta: Float64Array, phi: Float64Array) => {
    const dTheta: Dist64 = c.ref(theta);
    const dPhi: Dist64 = c.ref(phi);
    const lt = logProb64(dTheta, c.actions64);
    const lp = logProb64(dPhi, c.actions64);
    const kl = kl64(dPhi, dTheta);
    let L = 0;
    for (let i = 0; i < B; i++) L += weights[i]! * advantages[i]! * Math.exp(lt[i]! - lp[i]!);
    return L - (LAMBDA * kl.reduce((s, x) => s + x, 0)) / B;
  };
}

const host = (t: Tensor) => {
  const out = Float64Array.from(t.dataSync());
  t.dispose();
  return out;
};

describe('forward sharing through the MLP policies', () => {
  for (const c of cases()) {
    const n = c.policy.paramCount;
    const phi = point(65, n, 0.5);
    const theta = nearbyPoint(phi);
    const v = point(66, n);
    const G64 = objective64(c);
    const obs = () => c.policy.obsTensor(obsRows);
    const actions = () => c.policy.actionTensor(c.actions64);

    it(`${c.name}: shared G has the unshared value, and its gradient, Hessian-vector and cross products match float64 central differences`, () => {
      const [o, act] = [obs(), actions()];
      const shared = objective(c, o, act, true);
      const plain = objective(c, o, act, false);
      const [t, p] = [f32(theta), f32(phi)];
      // the same ops on the same inputs: bit for bit
      expect(host(shared.G(t, p))).toEqual(host(plain.G(t, p)));
      const grad = host(gradient((x) => shared.G(x, p), t));
      const hvp = host(hessianVectorProduct((x) => shared.G(x, p), t, f32(v)));
      // the joint Hessian in z = (theta, phi) along (v, 0): its phi half is the cross product
      const z = Float64Array.from([...theta, ...phi]);
      const dir = Float64Array.from([...v, ...new Float64Array(n)]);
      const joint = host(
        hessianVectorProduct(
          (x) => shared.G(tf.slice(x, 0, n), tf.slice(x, n, n)),
          f32(z),
          f32(dir),
        ),
      );
      const fz = (x: Float64Array) => G64(x.subarray(0, n), x.subarray(n));
      const errors = {
        gradient: relativeError(
          grad,
          centralGradient((x) => G64(x, phi), theta),
        ),
        hvp: relativeError(
          hvp,
          centralHessianVectorProduct((x) => G64(x, phi), theta, v),
        ),
        joint: relativeError(joint, centralHessianVectorProduct(fz, z, dir)),
      };
      console.info(`${c.name} shared-forward relative errors`, errors);
      for (const e of Object.values(errors)) expect(e).toBeLessThanOrEqual(1e-5);
      // and the cross part is not trivially zero (the check can see a lost phi path)
      expect(Math.hypot(...joint.subarray(n))).toBeGreaterThan(1e-2 * Math.hypot(...joint));
      tf.dispose([o, act, t, p]);
      shared.dispose();
      plain.dispose();
    });

    it(`${c.name}: holding phi keeps theta's derivatives exact`, () => {
      const [o, act] = [obs(), actions()];
      const { G, dispose } = objective(c, o, act, true);
      const t = f32(theta);
      const held = f32(phi);
      const { grad, hvp } = holdingForwardPasses(held, () => {
        const f = (x: Tensor1D) => G(x, held);
        return { grad: host(gradient(f, t)), hvp: host(hessianVectorProduct(f, t, f32(v))) };
      });
      expect(
        relativeError(
          grad,
          centralGradient((x) => G64(x, phi), theta),
        ),
      ).toBeLessThanOrEqual(1e-5);
      expect(
        relativeError(
          hvp,
          centralHessianVectorProduct((x) => G64(x, phi), theta, v),
        ),
      ).toBeLessThanOrEqual(1e-5);
      tf.dispose([o, act, t, held]);
      dispose();
    });
  }

  it('runs each network once per evaluation when shared, and pi_phi once in all while held', () => {
    const c = cases()[0]!;
    const [o, act] = [obs0(c), c.policy.actionTensor(c.actions64)];
    const n = c.policy.paramCount;
    const [t1, t2, p] = [f32(point(67, n, 0.5)), f32(point(68, n, 0.5)), f32(point(65, n, 0.5))];
    const runs = (shared: boolean, hold: boolean) => {
      const { G, dispose } = objective(c, o, act, shared);
      const two = () => tf.dispose([G(t1, p), G(t2, p)]);
      const count = countNetworkRuns(() => (hold ? holdingForwardPasses(p, two) : two()));
      dispose();
      return count;
    };
    // unshared: log pi_theta, log pi_phi, KL(pi_phi || pi_theta) = 4 networks per evaluation
    expect(runs(false, false)).toBe(8);
    expect(runs(true, false)).toBe(4);
    expect(runs(true, true)).toBe(3);
    tf.dispose([o, act, t1, t2, p]);
  });

  it('never reuses a network output computed outside the tape that is now recording', () => {
    const c = cases()[0]!;
    const [o, act] = [obs0(c), c.policy.actionTensor(c.actions64)];
    const x = f32(point(65, c.policy.paramCount, 0.5));
    const f = (p: Tensor1D) => tf.sum(c.policy.logProb(p, o, act)) as Scalar;
    const expected = host(gradient(f, x));
    const got = sharingForwardPasses(() => {
      tf.tidy(() => f(x)); // computed with no tape: must not stand in for x's network below
      return host(gradient(f, x));
    });
    expect(got).toEqual(expected);
    tf.dispose([o, act, x]);
  });

  it('frees what it caches: tf.memory().numTensors is stable', () => {
    const c = cases()[0]!;
    const [o, act] = [obs0(c), c.policy.actionTensor(c.actions64)];
    const { G, dispose } = objective(c, o, act, true);
    const [t, p, u] = [
      f32(nearbyPoint(point(65, c.policy.paramCount, 0.5))),
      f32(point(65, c.policy.paramCount, 0.5)),
      f32(point(66, c.policy.paramCount)),
    ];
    const round = () => {
      tf.tidy(() => {
        G(t, p);
        gradient((x) => G(x, p), t);
        hessianVectorProduct((x) => G(x, p), t, u);
      });
      holdingForwardPasses(p, () =>
        tf.tidy(() => {
          hessianVectorProduct((x) => G(x, p), t, u);
        }),
      );
    };
    round();
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) round();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([o, act, t, p, u]);
    dispose();
  });
});

function obs0(c: Case): Tensor {
  return c.policy.obsTensor(obsRows);
}

/**
 * How many times `fn` runs a test network: calls of the MatMul kernel on the [B, OBS]
 * observations (each network's first layer; in a forward pass nothing else has that shape).
 */
function countNetworkRuns(fn: () => void): number {
  const backend = tf.getBackend();
  const kernel = tf.getKernel('BatchMatMul', backend)!;
  let count = 0;
  tf.unregisterKernel('BatchMatMul', backend);
  tf.registerKernel({
    ...kernel,
    kernelFunc: (args) => {
      const a = args.inputs.a as unknown as Tensor;
      if (a.shape[0] === B && a.shape[1] === OBS) count++;
      return kernel.kernelFunc(args);
    },
  });
  try {
    fn();
  } finally {
    tf.unregisterKernel('BatchMatMul', backend);
    tf.registerKernel(kernel);
  }
  return count;
}
