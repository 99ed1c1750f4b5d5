import {
  centralGradient,
  centralHessianVectorProduct,
  type Float64Fn,
  gradient,
  hessianVectorProduct,
  Random,
  relativeError,
  withUncorrectedGradients,
} from '@bomrl/core';
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { Policy } from '../policy';
import { entropy64, kl64, logProb64, mean64, type PolicyRef64 } from './reference64';

/** Float32-representable normals (so tfjs and the float64 reference see the same inputs). */
export function point(seed: number, n: number, scale = 1, shift = 0): Float64Array {
  const r = new Random(seed);
  return Float64Array.from(Float32Array.from({ length: n }, () => shift + scale * r.normal()));
}

export const f32 = (x: ArrayLike<number>) => tf.tensor1d(Float32Array.from(x));

/** Everything a derivative check needs: a policy, its float64 twin and a test point. */
export interface DerivativeCase {
  readonly policy: Policy;
  readonly ref: PolicyRef64;
  readonly obs: () => Tensor;
  /** Actions as the tensor logProb takes, and the same numbers for the reference. */
  readonly actions: () => Tensor;
  readonly actions64: ArrayLike<number>;
  /** The fixed policy (phi) and the point theta at which derivatives are taken (theta != phi). */
  readonly phi: Float64Array;
  readonly theta: Float64Array;
}

/** Relative errors of tfjs derivatives against float64 central differences. */
export interface DerivativeErrors {
  gradLogProb: number;
  gradEntropy: number;
  hvpForwardKL: number;
  hvpReverseKL: number;
  hvpImportanceRatio: number;
}

function tfGrad(f: (x: Tensor1D) => Scalar, x: Float64Array): Float64Array {
  const g = tf.tidy(() => gradient(f, f32(x)));
  const out = Float64Array.from(g.dataSync());
  g.dispose();
  return out;
}

function tfHvp(f: (x: Tensor1D) => Scalar, x: Float64Array, v: Float64Array): Float64Array {
  const hv = tf.tidy(() => hessianVectorProduct(f, f32(x), f32(v)));
  const out = Float64Array.from(hv.dataSync());
  hv.dispose();
  return out;
}

/**
 * Checks, at theta: the gradient of sum_i w_i log pi(a_i|s_i) and of the mean entropy, and the
 * Hessian-vector products of
 *   forward KL  f(theta) = mean_s KL(pi_phi || pi_theta),
 *   reverse KL  f(theta) = mean_s KL(pi_theta || pi_phi),
 *   importance-ratio objective f(theta) = mean_i exp(log pi_theta(a_i|s_i) - log pi_phi(a_i|s_i)) A_i.
 */
export function derivativeErrors(c: DerivativeCase, seed = 100): DerivativeErrors {
  const n = c.policy.paramCount;
  const v = point(seed, n);
  const batch = c.ref(c.phi).batch;
  const w = point(seed + 1, batch);
  const adv = point(seed + 2, batch);
  const obs = c.obs();
  const actions = c.actions();
  const phiT = f32(c.phi);
  const wT = f32(w);
  const advT = f32(adv);
  const refPhi = c.ref(c.phi);
  const logpPhi64 = logProb64(refPhi, c.actions64);
  const logpPhiT = c.policy.logProb(phiT, obs, actions);

  try {
    const gradLogProb = relativeError(
      tfGrad((x) => tf.sum(tf.mul(wT, c.policy.logProb(x, obs, actions))), c.theta),
      centralGradient((x) => {
        const lp = logProb64(c.ref(x), c.actions64);
        return lp.reduce((s, l, i) => s + w[i]! * l, 0);
      }, c.theta),
    );
    const gradEntropy = relativeError(
      tfGrad((x) => tf.mean(c.policy.entropy(x, obs)), c.theta),
      centralGradient((x) => mean64(entropy64(c.ref(x))), c.theta),
    );
    const hvp = (tfFn: (x: Tensor1D) => Scalar, f64: Float64Fn) =>
      relativeError(tfHvp(tfFn, c.theta, v), centralHessianVectorProduct(f64, c.theta, v));
    const hvpForwardKL = hvp(
      (x) => tf.mean(c.policy.kl(phiT, x, obs)),
      (x) => mean64(kl64(refPhi, c.ref(x))),
    );
    const hvpReverseKL = hvp(
      (x) => tf.mean(c.policy.kl(x, phiT, obs)),
      (x) => mean64(kl64(c.ref(x), refPhi)),
    );
    const hvpImportanceRatio = hvp(
      (x) => tf.mean(tf.mul(tf.exp(tf.sub(c.policy.logProb(x, obs, actions), logpPhiT)), advT)),
      (x) => {
        const lp = logProb64(c.ref(x), c.actions64);
        return mean64(lp.map((l, i) => Math.exp(l - logpPhi64[i]!) * adv[i]!));
      },
    );
    return { gradLogProb, gradEntropy, hvpForwardKL, hvpReverseKL, hvpImportanceRatio };
  } finally {
    tf.dispose([obs, actions, phiT, wT, advT, logpPhiT]);
  }
}

/** Monte Carlo estimate of mean_s KL(pi_P || pi_Q) from `perState` actions per state. */
export function monteCarloKL(
  policy: Policy,
  paramsP: Float64Array,
  paramsQ: Float64Array,
  obsRows: ArrayLike<number>,
  perState: number,
  seed: number,
): { closedForm: number; estimate: number; standardError: number } {
  const repeated = new Float64Array(obsRows.length * perState);
  for (let r = 0; r < perState; r++) repeated.set(Array.from(obsRows), r * obsRows.length);
  const p = f32(paramsP);
  const q = f32(paramsQ);
  const obs = policy.obsTensor(obsRows);
  const big = policy.obsTensor(repeated);
  try {
    const klT = policy.kl(p, q, obs);
    const closedForm = mean64(klT.dataSync());
    klT.dispose();
    const actions = policy.actionTensor(policy.sample(p, big, new Random(seed)));
    const ratio = tf.tidy(() =>
      tf.sub(policy.logProb(p, big, actions), policy.logProb(q, big, actions)),
    );
    const values = ratio.dataSync();
    tf.dispose([ratio, actions]);
    const m = mean64(values);
    let ss = 0;
    for (const x of values) ss += (x - m) ** 2;
    const standardError = Math.sqrt(ss / (values.length - 1) / values.length);
    return { closedForm, estimate: m, standardError };
  } finally {
    tf.dispose([p, q, obs, big]);
  }
}

/**
 * The forward-KL HVP error with tfjs's ORIGINAL gradients (core's fix switched off), or
 * Infinity if tfjs throws: shows that the checks above can fail, i.e. they do test the fix.
 */
export function uncorrectedForwardKLError(c: DerivativeCase, seed = 100): number {
  try {
    return withUncorrectedGradients(() => derivativeErrors(c, seed).hvpForwardKL);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
