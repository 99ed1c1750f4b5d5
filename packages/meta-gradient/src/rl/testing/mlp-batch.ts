/**
 * Hand-made batches for the sampled BO-MRL tests on small tanh Gaussian MLP policies
 * (2 -> 3 -> 1 with 14 parameters; 2 -> 2 -> 1 with 10 for the stationary finite-difference
 * checks), with float64 copies of the lower-level objective G (testing/gaussian-mlp64.ts).
 */
import type { RatioTransform } from '@bomrl/adaptation';
import { Random } from '@bomrl/core';
import { GaussianMLPPolicy } from '@bomrl/policies';
import type { Episode } from '../advantages/episode';
import { generalizedAdvantages, normalizeAdvantages } from '../advantages/gae';
import { LinearFeatureBaseline } from '../advantages/linear-feature-baseline';
import type { DistanceName } from '../sampled/dice';
import { type GaussianMLP64, kl64, logProb64, meanAndLogStd } from './gaussian-mlp64';

/**
 * The public sampled BO-MRL meta-gradient on hand-made batches of small tanh Gaussian MLP
 * policies (2 -> 3 -> 1 with 14 parameters; 2 -> 2 -> 1 with 10 for the stationary FD checks),
 * with the batch held fixed ('ignore-data': advantages,
 * weights and the recorded log pi_phi are constants, phi enters through D2 only), against
 * float64 central finite differences of phi -> outer(theta'(phi)), theta' solved by float64
 * Newton to ||grad G|| < 1e-9 (see testing/gaussian-mlp64.ts).
 */
export const gamma = 0.9;

/** Three hand-made episodes of five steps (as a user would pass them: plain arrays). */
export const episodes: Episode[] = [0, 1, 2].map((e) => {
  const T = 5;
  return {
    observations: Float32Array.from({ length: 2 * T }, (_, i) => Math.sin(0.9 * i + e)),
    actions: Float32Array.from({ length: T }, (_, t) => 0.6 * Math.cos(1.3 * t + 2 * e)),
    rewards: Float32Array.from({ length: T }, (_, t) => Math.sin(t + 0.5 * e) + 0.2 * e),
    obsDim: 2,
    actionSize: 1,
    terminated: false,
  };
});
/** The policy of the fixtures with these hidden layers and its phi (and phi rounded to float32). */
export function policyAndPhi(hidden: number[]) {
  const policy = new GaussianMLPPolicy({ obsDim: 2, actDim: 1, hidden, logStdInit: -0.3 });
  const phi = Float64Array.from(policy.init(4).dataSync());
  // init gives a near-zero output layer: move every parameter by 0.3 .. 0.6 so that no hidden
  // unit is disconnected (which would make the KL's Fisher, and so -Hess G, nearly singular)
  for (let i = 0; i < phi.length; i++) {
    phi[i]! += (i % 2 === 0 ? 1 : -1) * (0.3 + 0.3 * Math.abs(Math.sin(1.7 * i + 0.2)));
  }
  return { policy, phi, phi32: Float64Array.from(Float32Array.from(phi)) };
}

/**
 * The batch of the stationary FD checks, for a 2 -> 2 tanh -> 1 policy (9 mean-network
 * parameters + 1 log-std): six episodes of five steps with 30 distinct generic observations of
 * size ~1.5 (more observations than parameters, and pre-activations in tanh's curved range, so
 * the mean's Jacobian over the batch has full column rank: the KL's Fisher at phi has smallest
 * eigenvalue ~8e-3, measured), actions drawn from pi_phi (as a sampler would) and rewards of
 * size 0.3, so the ratio surrogate's curvature stays below what lambda = 5 times the Fisher
 * holds. Measured: -Hess G(theta') has smallest eigenvalue ~0.028 for both KL directions
 * (asserted below). With the 2-3-1 MLP of the other tests the Fisher's smallest eigenvalue is
 * ~2e-5 (the rescaling direction of one hidden unit, flat to first order), and the second-order
 * term of the ratio surrogate along it (~0.1 .. 0.5) needs lambda in the thousands.
 */
const rng = new Random(11);
export const stationaryHidden = [2];
const stationaryPhi = policyAndPhi(stationaryHidden).phi32;
export const stationaryEpisodes: Episode[] = [0, 1, 2, 3, 4, 5].map(() => {
  const T = 5;
  const observations = Float32Array.from({ length: 2 * T }, () => 1.5 * rng.normal());
  return {
    observations,
    // actions drawn from pi_phi itself (as a sampler would), so (a - mu)^2 / sigma^2 ~ 1
    actions: Float32Array.from({ length: T }, (_, t) => {
      const { mean, logStd } = meanAndLogStd(
        { obsDim: 2, hidden: stationaryHidden, actDim: 1 },
        stationaryPhi,
        observations.subarray(2 * t, 2 * t + 2),
      );
      return mean[0]! + Math.exp(logStd[0]!) * rng.normal();
    }),
    rewards: Float32Array.from({ length: T }, () => 0.3 * rng.normal()),
    obsDim: 2,
    actionSize: 1,
    terminated: false,
  };
});

/** A Gaussian policy with these hidden layers, its phi, an outer objective and float64 G. */
export function fixture(hidden: number[], batch: Episode[] = episodes) {
  const net: GaussianMLP64 = { obsDim: 2, hidden, actDim: 1 };
  const { policy, phi, phi32 } = policyAndPhi(hidden);

  const target = Float64Array.from(phi, (_, i) => 0.5 * Math.cos(0.7 * i));
  /** outer(theta) = 1/2 ||theta - target||^2, gradient theta - target. */
  const outer = (theta: ArrayLike<number>) =>
    0.5 * Array.from(theta).reduce((s, t, i) => s + (t - target[i]!) ** 2, 0);
  const outerGradient = (theta: Float64Array) => theta.map((t, i) => t - target[i]!);

  /** The flat batch the package builds (baseline + GAE, lambda 1; weights gamma^t / Z). */
  function flatBatch() {
    const baseline = new LinearFeatureBaseline();
    baseline.fit(batch, gamma);
    const rows: { obs: Float64Array; act: number; w: number; adv: number; old: number }[] = [];
    for (const e of batch) {
      const adv = generalizedAdvantages(e.rewards, baseline.predict(e), gamma, 1);
      for (let t = 0; t < e.rewards.length; t++) {
        const obs = Float64Array.from(e.observations.subarray(2 * t, 2 * t + 2));
        const act = e.actions[t]!;
        rows.push({
          obs,
          act,
          w: gamma ** t,
          adv: Math.fround(adv[t]!),
          old: logProb64(net, phi32, obs, [act]),
        });
      }
    }
    const Z = rows.reduce((s, r) => s + r.w, 0);
    return rows.map((r) => ({ ...r, w: r.w / Z }));
  }

  /**
   * G_ignore(theta, phi) in float64, optionally with the smooth-clip ratio f(r) = 2 sigmoid(2r - 2)
   * and advantages normalized to mean 0, std 1 over the batch (as the package does, from the
   * float32 advantages).
   */
  function G64(distance: DistanceName, lambda: number, variant: SurrogateVariant = {}) {
    const raw = flatBatch();
    const norm = normalizeAdvantages(raw.map((r) => r.adv));
    const rows = variant.normalizeAdvantages
      ? raw.map((r, i) => ({ ...r, adv: Math.fround(norm[i]!) }))
      : raw;
    // f of the log-ratio: 'log-prob' is 1 + log r, written from log r as the package does
    const f = (logR: number) =>
      variant.ratio === 'smooth-clip'
        ? 2 / (1 + Math.exp(2 - 2 * Math.exp(logR)))
        : variant.ratio === 'log-prob'
          ? 1 + logR
          : Math.exp(logR);
    return (theta: Float64Array, p: Float64Array) => {
      let L = 0;
      let D = 0;
      for (const r of rows) {
        L += r.w * f(logProb64(net, theta, r.obs, [r.act]) - r.old) * r.adv;
        if (distance === 'forward-kl') D += r.w * kl64(net, p, theta, r.obs);
        if (distance === 'reverse-kl') D += r.w * kl64(net, theta, p, r.obs);
      }
      if (distance === 'l2') D = theta.reduce((s, t, i) => s + (t - p[i]!) ** 2, 0);
      return L - lambda * D;
    };
  }

  return { net, policy, phi, phi32, outer, outerGradient, G64 };
}

/** The lower level's surrogate options (`bomrlMetaGradient`'s ratio and normalizeAdvantages). */
export interface SurrogateVariant {
  readonly ratio?: RatioTransform;
  readonly normalizeAdvantages?: boolean;
}
