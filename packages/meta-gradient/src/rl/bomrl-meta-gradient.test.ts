import { relativeError } from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { generalizedAdvantages } from './advantages/gae';
import { LinearFeatureBaseline } from './advantages/linear-feature-baseline';
import { bomrlMetaGradient } from './bomrl-meta-gradient';
import { mamlMetaGradient } from './maml-meta-gradient';
import type { DistanceName } from './sampled/dice';
import {
  gradient64,
  logProb64,
  maximize64,
  negHessian64,
  smallestEigenvalue64,
} from './testing/gaussian-mlp64';
import {
  episodes,
  fixture,
  gamma,
  type SurrogateVariant,
  stationaryEpisodes,
  stationaryHidden,
} from './testing/mlp-batch';

/**
 * The public sampled BO-MRL meta-gradient on hand-made batches of small tanh Gaussian MLP
 * policies (2 -> 3 -> 1 with 14 parameters; 2 -> 2 -> 1 with 10 for the stationary FD checks),
 * with the batch held fixed ('ignore-data': advantages,
 * weights and the recorded log pi_phi are constants, phi enters through D2 only), against
 * float64 central finite differences of phi -> outer(theta'(phi)), theta' solved by float64
 * Newton to ||grad G|| < 1e-9 (see testing/gaussian-mlp64.ts).
 */
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
