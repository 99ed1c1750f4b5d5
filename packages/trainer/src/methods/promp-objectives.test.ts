import {
  centralGradient,
  centralHessianVectorProduct,
  hessianVectorProduct,
  Random,
  relativeError,
} from '@bomrl/core';
import { softmaxPolicy } from '@bomrl/envs/tabular';
import { TabularSoftmaxPolicy } from '@bomrl/policies';
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  adaptKlCoef,
  clippedObjective,
  lvcObjective,
  lvcStep,
  prompTaskObjective,
  type RecordedBatch,
} from './promp-objectives';

/**
 * ProMP's derivative paths against float64 central differences of a plain-TypeScript
 * reimplementation on a tabular softmax policy (3 states x 3 actions, 12 recorded steps).
 * Tolerances: the tfjs side is float32 (~1e-7 relative per op, a few hundred ops), the FD side
 * float64 with h = 1e-6 (gradients) / 1e-4 (HVPs, error ~1e-8): 1e-3 relative leaves a wide margin
 * for float32 rounding while a wrong term (e.g. a dropped H1) is off by O(1).
 */
const S = 3;
const A = 3;
const B = 12;
const rng = new Random(5);
const states = Array.from({ length: B }, () => rng.int(S));
const actions = Array.from({ length: B }, () => rng.int(A));
const adv = Array.from({ length: B }, () => rng.normal());
const phiOld = Float64Array.from({ length: S * A }, () => Math.fround(0.5 * rng.normal()));
const policy = new TabularSoftmaxPolicy({ numStates: S, numActions: A });
const f32 = (x: ArrayLike<number>) => Float32Array.from(x);
const logPi = (p: Float64Array) => {
  const pi = softmaxPolicy(p, p.length / A, A);
  return states.map((s, i) => Math.log(pi[s * A + actions[i]!]!));
};
const oldLogp = logPi(phiOld).map(Math.fround);

const recorded = (logProbs: number[]): RecordedBatch => ({
  observations: policy.obsTensor(f32(states)),
  actions: policy.actionTensor(f32(actions)),
  advantages: tf.tensor1d(f32(adv)),
  logProbs: tf.tensor1d(f32(logProbs)),
});
const pre = recorded(oldLogp);

/** float64 J_LVC(p) = mean_i exp(log pi_p - log pi_old) A_i. */
const lvc64 = (p: Float64Array) => {
  const lp = logPi(p);
  return lp.reduce((s, l, i) => s + Math.exp(l - oldLogp[i]!) * adv[i]!, 0) / B;
};
/** float64 grad J_LVC(p) (analytic softmax gradient). */
const lvcGrad64 = (p: Float64Array) => {
  const pi = softmaxPolicy(p, p.length / A, A);
  const lp = logPi(p);
  const g = new Float64Array(S * A);
  states.forEach((s, i) => {
    const w = (Math.exp(lp[i]! - oldLogp[i]!) * adv[i]!) / B;
    for (let b = 0; b < A; b++) g[s * A + b]! += w * ((b === actions[i] ? 1 : 0) - pi[s * A + b]!);
  });
  return g;
};

const host = (t: Tensor) => {
  const x = Float64Array.from(t.dataSync());
  t.dispose();
  return x;
};
const toT = (x: Float64Array) => tf.tensor1d(f32(x));

afterAll(() => {
  tf.dispose([pre.observations, pre.actions, pre.advantages, pre.logProbs]);
});

describe('ProMP objectives', () => {
  // away from phi_old the recorded denominator makes the ratio differ from 1: the general case
  const p = phiOld.map((x, i) => Math.fround(x + 0.3 * Math.sin(2.3 * i + 0.5)));
  const v = Float64Array.from({ length: S * A }, (_, i) => Math.cos(1.1 * i));

  it('the analytic float64 LVC gradient used below is itself right (central differences)', () => {
    expect(relativeError(lvcGrad64(p), centralGradient(lvc64, p))).toBeLessThan(1e-7);
  });

  it('LVC surrogate: tfjs gradient and Hessian-vector product match float64 central differences', () => {
    const J = lvcObjective(policy, pre);
    const pt = toT(p);
    const vt = toT(v);
    const g = host(tf.grad((x) => J(x as Tensor1D))(pt));
    const hv = host(hessianVectorProduct(J, pt, vt));
    tf.dispose([pt, vt]);
    expect(relativeError(g, centralGradient(lvc64, p))).toBeLessThan(1e-3);
    expect(relativeError(hv, centralHessianVectorProduct(lvc64, p, v))).toBeLessThan(1e-3);
  });

  it('at p = phi_old the LVC gradient is REINFORCE and its Hessian keeps H1 (unlike log-likelihood)', () => {
    const J = lvcObjective(policy, pre);
    const pt = toT(phiOld);
    const vt = toT(v);
    const hvLvc = host(hessianVectorProduct(J, pt, vt));
    // mean log pi * A: the same gradient at phi_old, but its Hessian is H2 alone
    const logLik = (x: Tensor1D) =>
      tf.tidy(() =>
        tf.mean(tf.mul(policy.logProb(x, pre.observations, pre.actions), pre.advantages)),
      ) as tf.Scalar;
    const gLvc = host(tf.grad((x) => J(x as Tensor1D))(pt));
    const gLl = host(tf.grad((x) => logLik(x as Tensor1D))(pt));
    const hvLl = host(hessianVectorProduct(logLik, pt, vt));
    tf.dispose([pt, vt]);
    expect(relativeError(gLvc, gLl)).toBeLessThan(1e-5);
    expect(relativeError(hvLvc, centralHessianVectorProduct(lvc64, phiOld, v))).toBeLessThan(1e-3);
    expect(relativeError(hvLl, hvLvc)).toBeGreaterThan(0.1);
  });

  it('the meta-objective (through the LVC step, clip and KL) matches float64 central differences', () => {
    const alpha = 0.7;
    const clipEps = 0.2;
    const klCoef = 0.3;
    // post-update data recorded by theta'_old = lvcStep(phi_old)
    const thetaOld = phiOld.map((x, i) => x + alpha * lvcGrad64(phiOld)[i]!);
    const postStates = Array.from({ length: B }, () => rng.int(S));
    const postActions = Array.from({ length: B }, () => rng.int(A));
    const postAdv = Array.from({ length: B }, () => rng.normal());
    const postOld = (() => {
      const pi = softmaxPolicy(thetaOld, thetaOld.length / A, A);
      return postStates.map((s, i) => Math.fround(Math.log(pi[s * A + postActions[i]!]!)));
    })();
    const F64 = (x: Float64Array) => {
      const g = lvcGrad64(x);
      const theta = x.map((xi, i) => xi + alpha * g[i]!);
      const pi = softmaxPolicy(theta, theta.length / A, A);
      let outer = 0;
      postStates.forEach((s, i) => {
        const r = Math.exp(Math.log(pi[s * A + postActions[i]!]!) - postOld[i]!);
        const clipped = Math.min(Math.max(r, 1 - clipEps), 1 + clipEps);
        outer += Math.min(r * postAdv[i]!, clipped * postAdv[i]!) / B;
      });
      const q = softmaxPolicy(phiOld, phiOld.length / A, A);
      const px = softmaxPolicy(x, x.length / A, A);
      let kl = 0;
      for (const s of states)
        for (let a = 0; a < A; a++)
          kl += (q[s * A + a]! * Math.log(q[s * A + a]! / px[s * A + a]!)) / B;
      return outer - klCoef * kl;
    };
    const post: RecordedBatch = {
      observations: policy.obsTensor(f32(postStates)),
      actions: policy.actionTensor(f32(postActions)),
      advantages: tf.tensor1d(f32(postAdv)),
      logProbs: tf.tensor1d(f32(postOld)),
    };
    const old = toT(phiOld);
    const x = phiOld.map((xi, i) => Math.fround(xi + 0.25 * Math.cos(1.7 * i)));
    const xt = toT(x);
    const settings = { alpha, clipEps, klCoef };
    // some post ratios are clipped at x, some are not (both branches are exercised)
    const ratios = tf.tidy(() =>
      Array.from(
        tf
          .exp(
            tf.sub(
              policy.logProb(lvcStep(policy, xt, pre, alpha), post.observations, post.actions),
              post.logProbs,
            ),
          )
          .dataSync(),
      ),
    );
    const outside = ratios.filter((r) => r < 1 - clipEps || r > 1 + clipEps).length;
    expect(outside).toBeGreaterThan(0);
    expect(outside).toBeLessThan(B);
    const g = host(
      tf.grad((y) =>
        prompTaskObjective(policy, y as Tensor1D, { pre, post, phiOld: old }, settings),
      )(xt),
    );
    const value = tf.tidy(
      () => prompTaskObjective(policy, xt, { pre, post, phiOld: old }, settings).dataSync()[0]!,
    );
    expect(value).toBeCloseTo(F64(x), 5);
    expect(relativeError(g, centralGradient(F64, x))).toBeLessThan(1e-3);
    // the clipped objective alone equals the plain ratio objective where nothing is clipped
    const at = tf.tidy(
      () =>
        clippedObjective(policy, lvcStep(policy, old, pre, alpha), post, clipEps).dataSync()[0]!,
    );
    expect(at).toBeCloseTo(postAdv.reduce((a, b) => a + b, 0) / B, 5);
    tf.dispose([post.observations, post.actions, post.advantages, post.logProbs, old, xt]);
  });

  it('adaptive eta halves below target/1.5, doubles above target*1.5, else keeps', () => {
    expect(adaptKlCoef(1, 0.005, 0.01)).toBe(0.5);
    expect(adaptKlCoef(1, 0.02, 0.01)).toBe(2);
    expect(adaptKlCoef(1, 0.01, 0.01)).toBe(1);
  });
});
