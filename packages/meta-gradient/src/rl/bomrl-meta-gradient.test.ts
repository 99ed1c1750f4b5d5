import type { RatioTransform } from '@bomrl/adaptation';
import { Random, relativeError } from '@bomrl/core';
import { GaussianMLPPolicy } from '@bomrl/policies';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Episode } from './advantages/episode';
import { generalizedAdvantages, normalizeAdvantages } from './advantages/gae';
import { LinearFeatureBaseline } from './advantages/linear-feature-baseline';
import { bomrlMetaGradient } from './bomrl-meta-gradient';
import { mamlMetaGradient } from './maml-meta-gradient';
import type { DistanceName } from './sampled/dice';
import {
  type GaussianMLP64,
  gradient64,
  kl64,
  logProb64,
  maximize64,
  meanAndLogStd,
  negHessian64,
  smallestEigenvalue64,
} from './testing/gaussian-mlp64';

/**
 * The public sampled BO-MRL meta-gradient on hand-made batches of small tanh Gaussian MLP
 * policies (2 -> 3 -> 1 with 14 parameters; 2 -> 2 -> 1 with 10 for the stationary FD checks),
 * with the batch held fixed ('ignore-data': advantages,
 * weights and the recorded log pi_phi are constants, phi enters through D2 only), against
 * float64 central finite differences of phi -> outer(theta'(phi)), theta' solved by float64
 * Newton to ||grad G|| < 1e-9 (see testing/gaussian-mlp64.ts).
 */
const gamma = 0.9;

/** Three hand-made episodes of five steps (as a user would pass them: plain arrays). */
const episodes: Episode[] = [0, 1, 2].map((e) => {
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
function policyAndPhi(hidden: number[]) {
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
const stationaryHidden = [2];
const stationaryPhi = policyAndPhi(stationaryHidden).phi32;
const stationaryEpisodes: Episode[] = [0, 1, 2, 3, 4, 5].map(() => {
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
function fixture(hidden: number[], batch: Episode[] = episodes) {
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
interface SurrogateVariant {
  readonly ratio?: RatioTransform;
  readonly normalizeAdvantages?: boolean;
}

const { net, policy, phi, phi32, outer, outerGradient } = fixture([3]);
describe('bomrlMetaGradient (sampled, Gaussian MLP, hand-made episodes)', () => {
  // [name, distance, lambda]: lambda 5 makes G strictly concave at theta' for the KL distances
  // (at lambda 2, -Hess G(theta') has smallest eigenvalue ~1e-4: nearly singular, and the
  // float32 adjoint is then off by ~7e-3)
  // The smooth-clip rows check that the ratio transform reaches the lower level, measure() and
  // the cross term alike (a transform missing from any of them moves theta' or the gradient by
  // far more than 1e-3); the normalized rows that the advantages the lower level sees are the
  // normalized ones.
  const cases: [string, DistanceName, number, SurrogateVariant][] = [
    ['Alg(1) forward KL', 'forward-kl', 5, {}],
    ['Alg(2) reverse KL', 'reverse-kl', 5, {}],
    ['Alg(3) l2', 'l2', 1, {}],
    ['Alg(1) forward KL, smooth-clip', 'forward-kl', 5, { ratio: 'smooth-clip' }],
    // normalizing scales this batch's advantages up ~3x (rewards of size 0.3): lambda 15 is the
    // same ratio of penalty to surrogate as 5 above (at 5, G has no strict maximum near phi)
    [
      'Alg(1) forward KL, smooth-clip, normalized advantages',
      'forward-kl',
      15,
      { ratio: 'smooth-clip', normalizeAdvantages: true },
    ],
    [
      'Alg(1) forward KL, log-prob, normalized advantages',
      'forward-kl',
      15,
      { ratio: 'log-prob', normalizeAdvantages: true },
    ],
  ];
  const hidden = stationaryHidden;
  for (const [name, distance, lambda, variant] of cases) {
    it(`${name} (hidden [${hidden}]), 'ignore-data': equals float64 finite differences of outer(theta'(phi)) (1e-3)`, () => {
      const { policy, phi, phi32, outer, outerGradient, G64 } = fixture(hidden, stationaryEpisodes);
      const result = bomrlMetaGradient({
        policy,
        phi,
        episodes: stationaryEpisodes,
        outerGradient,
        adaptation: { distance, lambda, solver: { kind: 'newton', maxSteps: 100, tol: 1e-5 } },
        mode: 'ignore-data',
        gamma,
        ...variant,
      });
      const G = G64(distance, lambda, variant);
      // the implicit function theorem is about the local maximizer branch theta'(phi): the
      // float64 solves start from the library's theta' and stay on that branch
      const theta64 = maximize64((t) => G(t, phi32), result.theta);
      // a strict local maximum (the implicit function theorem's assumption): -Hess G(theta')
      // positive definite with margin (measured ~0.028 for the KL distances, ~1.4 for l2; the
      // finite-difference Hessian's error is ~1e-6)
      const minEigenvalue = smallestEigenvalue64(negHessian64((t) => G(t, phi32), theta64));
      expect(minEigenvalue).toBeGreaterThan(1e-2);
      // Central differences along fixed directions u (the directional derivative grad F . u),
      // each perturbed lower level warm-started at theta'(phi): a handful of float64 solves
      // instead of 2n cold ones.
      const h = 1e-4;
      const dirs = [0, 1, 2].map((k) => {
        const u = Float64Array.from(phi, (_, i) => Math.sin(2.3 * i + 1.1 * k + 0.5));
        const len = Math.hypot(...u);
        return u.map((x) => x / len);
      });
      const F = (p: Float64Array) => outer(maximize64((t) => G(t, p), theta64));
      const fd = dirs.map(
        (u) =>
          (F(phi32.map((x, i) => x + h * u[i]!)) - F(phi32.map((x, i) => x - h * u[i]!))) / (2 * h),
      );
      const along = (g: ArrayLike<number>) =>
        dirs.map((u) => u.reduce((s, x, i) => s + x * g[i]!, 0));
      const error = relativeError(along(result.metaGradient), fd);
      console.log(
        `${name}: relative error ${error.toExponential(2)} vs float64 FD; ` +
          `theta' error ${relativeError(result.theta, theta64).toExponential(2)}; ` +
          `relative ||grad G(theta')|| ${result.diagnostics.lowerLevel.relativeGradNorm.toExponential(2)}; ` +
          `lambda_min(-Hess G(theta')) ${minEigenvalue.toExponential(2)}`,
      );
      // float32 theta' and products against a float64 truth: measured <= 1.3e-5; an O(1) error
      // (a sign, a missing term) is what this guards against
      expect(error).toBeLessThan(1e-3);
      // not vacuous: d theta'/d phi is far from the identity here (the outer gradient alone, i.e.
      // theta' = phi + const, is off by more than 1e-2)
      expect(relativeError(along(outerGradient(theta64)), fd)).toBeGreaterThan(1e-2);
      expect(relativeError(result.theta, theta64)).toBeLessThan(1e-4);
      expect(result.diagnostics.warnings).toEqual([]);
      expect(result.diagnostics.lowerLevel.relativeGradNorm).toBeLessThan(1e-3);
      expect(result.diagnostics.adjoint.relativeResidual).toBeLessThan(1e-4);
    }, 300_000);
  }

  it("'full' differs from 'ignore-data' on the same batch (it adds the data's dependence on phi)", () => {
    const common = {
      policy,
      phi,
      episodes,
      outerGradient,
      adaptation: { distance: 'l2' as const, lambda: 1, solver: { kind: 'newton' as const } },
      gamma,
    };
    const full = bomrlMetaGradient({ ...common, mode: 'full' });
    const ignore = bomrlMetaGradient({ ...common, mode: 'ignore-data' });
    expect(relativeError(full.theta, ignore.theta)).toBeLessThan(1e-5);
    expect(relativeError(full.metaGradient, ignore.metaGradient)).toBeGreaterThan(1e-2);
  });

  it('a lower level stopped early is returned with a warning, not silently', () => {
    const result = bomrlMetaGradient({
      policy,
      phi,
      episodes,
      outerGradient,
      adaptation: { distance: 'l2', lambda: 1, solver: { kind: 'adam', lr: 1e-3, maxSteps: 2 } },
      mode: 'ignore-data',
      gamma,
    });
    expect(result.diagnostics.lowerLevel.relativeGradNorm).toBeGreaterThan(1e-3);
    expect(result.diagnostics.warnings.join('\n')).toMatch(/lower level not stationary/);
  });

  it('post-update episodes in place of the outer gradient give REINFORCE at theta', () => {
    const result = bomrlMetaGradient({
      policy,
      phi,
      episodes,
      postEpisodes: () => episodes,
      adaptation: { distance: 'l2', lambda: 1, solver: { kind: 'newton' } },
      mode: 'full',
      gamma,
    });
    expect(result.metaGradient.every(Number.isFinite)).toBe(true);
    expect(Math.hypot(...result.metaGradient)).toBeGreaterThan(0);
  });

  it('bad input throws naming the field', () => {
    const base = { policy, phi, episodes, outerGradient, gamma, mode: 'full' as const };
    expect(() => bomrlMetaGradient({ ...base, adaptation: { distance: 'l2' } })).toThrow(
      /exactly one of adaptation\.lambda .* and adaptation\.delta/,
    );
    expect(() =>
      bomrlMetaGradient({
        ...base,
        adaptation: { distance: 'l2', lambda: 1 },
        postEpisodes: episodes,
      }),
    ).toThrow(/exactly one of outerGradient and postEpisodes/);
    expect(() =>
      bomrlMetaGradient({ ...base, phi: [1, 2], adaptation: { distance: 'l2', lambda: 1 } }),
    ).toThrow(/phi has 2 entries, the policy has 14 parameters/);
  });

  it('leaves no tensors behind', () => {
    const run = () =>
      bomrlMetaGradient({
        policy,
        phi,
        episodes,
        outerGradient,
        adaptation: { distance: 'l2', lambda: 1, solver: { kind: 'newton' } },
        mode: 'full',
        gamma,
      });
    run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) run();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('mamlMetaGradient (sampled, same batch)', () => {
  const alpha = 0.3;
  /** theta(phi) = phi + alpha grad S(phi), S the REINFORCE surrogate (1/N) sum gamma^t log pi A. */
  function inner64(p: Float64Array): Float64Array {
    const baseline = new LinearFeatureBaseline();
    baseline.fit(episodes, gamma);
    const S = (x: Float64Array) =>
      episodes.reduce((total, e) => {
        const adv = generalizedAdvantages(e.rewards, baseline.predict(e), gamma, 1);
        let s = 0;
        for (let t = 0; t < e.rewards.length; t++) {
          const obs = e.observations.subarray(2 * t, 2 * t + 2);
          s += gamma ** t * Math.fround(adv[t]!) * logProb64(net, x, obs, [e.actions[t]!]);
        }
        return total + s / episodes.length;
      }, 0);
    const g = gradient64(S, p, 1e-5);
    return p.map((v, i) => v + alpha * g[i]!);
  }

  it('second order equals float64 finite differences of outer(phi + alpha grad J^(phi)) (1e-3)', () => {
    const result = mamlMetaGradient({ policy, phi, episodes, outerGradient, alpha, gamma });
    const fd = gradient64((p) => outer(inner64(p)), phi32, 1e-4);
    const error = relativeError(result.metaGradient, fd);
    console.log(`MAML second order: relative error ${error.toExponential(2)} vs float64 FD`);
    expect(error).toBeLessThan(1e-3);
    expect(relativeError(result.theta, inner64(phi32))).toBeLessThan(1e-5);
  });

  it('first order is the outer gradient at theta', () => {
    const result = mamlMetaGradient({
      policy,
      phi,
      episodes,
      outerGradient,
      alpha,
      gamma,
      order: 'first',
    });
    expect(relativeError(result.metaGradient, outerGradient(result.theta))).toBeLessThan(1e-6);
  });
});
