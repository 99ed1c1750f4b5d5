import { relativeError } from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maximize64 } from '../testing/gaussian-mlp64';
import {
  fixture,
  gamma,
  type SurrogateVariant,
  stationaryEpisodes,
  stationaryHidden,
} from '../testing/mlp-batch';
import type { DistanceName } from './dice';
import { prepareTask, type SampledBomrlSettings, solveLowerLevel } from './sampled';
import { lowerLevelTangent } from './tangent';

/**
 * The lower level's tangent d theta'/d phi . d against float64 central differences of the
 * solution map itself: theta'(phi +- h d) solved by float64 Newton (warm-started at theta'(phi),
 * so both stay on one branch) on the same batch, G the 'ignore-data' objective the tangent
 * differentiates. The policy and batch are the stationary fixture of the hypergradient tests
 * (2 -> 2 tanh -> 1, -Hess G(theta') positive definite with margin ~0.03 for the KL distances).
 */
describe('lowerLevelTangent (Gaussian MLP, hand-made episodes)', () => {
  const cases: [string, DistanceName, number, SurrogateVariant][] = [
    ['Alg(1) forward KL', 'forward-kl', 5, {}],
    ['Alg(2) reverse KL', 'reverse-kl', 5, {}],
    ['Alg(3) l2', 'l2', 1, {}],
    ['Alg(1) forward KL, smooth-clip', 'forward-kl', 5, { ratio: 'smooth-clip' }],
  ];
  for (const [name, distance, lambda, variant] of cases) {
    it(`${name}: equals float64 central differences of theta'(phi) along d (1e-3)`, () => {
      const { policy, phi32, G64 } = fixture(stationaryHidden, stationaryEpisodes);
      const settings: SampledBomrlSettings = {
        distance,
        lambda,
        gamma,
        solver: { kind: 'newton', maxSteps: 100, tol: 1e-5 },
        cg: { maxIter: 100, tol: 1e-10 },
        ...variant,
      };
      const d = Float64Array.from(phi32, (_, i) => Math.sin(1.9 * i + 0.4));
      const before = tf.memory().numTensors;
      const phi = tf.tensor1d(Float32Array.from(phi32));
      const task = prepareTask(policy, phi, stationaryEpisodes, settings, ['ignore-data']);
      const { theta } = solveLowerLevel(policy, phi, task, settings);
      const result = lowerLevelTangent(policy, phi, theta, d, task, settings);
      const theta32 = Float64Array.from(theta.dataSync());
      tf.dispose([phi, theta]);
      task.data.dispose();
      expect(tf.memory().numTensors).toBe(before);

      const G = G64(distance, lambda, variant);
      const theta64 = maximize64((t) => G(t, phi32), theta32);
      const h = 1e-4;
      const solveAt = (s: number) =>
        maximize64(
          (t) =>
            G(
              t,
              phi32.map((x, i) => x + s * d[i]!),
            ),
          theta64,
        );
      const plus = solveAt(h);
      const minus = solveAt(-h);
      const fd = plus.map((x, i) => (x - minus[i]!) / (2 * h));
      const error = relativeError(result.tangent, fd);
      console.log(
        `${name}: tangent relative error ${error.toExponential(2)} vs float64 FD ` +
          `(${result.iterations} CG products, residual ${result.relativeResidual.toExponential(1)})`,
      );
      // float32 products and theta' against a float64 truth, like the hypergradient tests
      // (measured there <= 1.3e-5); a sign or a missing term is an O(1) error
      expect(error).toBeLessThan(1e-3);
      // not vacuous: theta' does not simply move with phi (the tangent is not d itself)
      expect(relativeError(d, fd)).toBeGreaterThan(1e-2);
    }, 300_000);
  }

  it('rejects a direction of the wrong length, naming both lengths', () => {
    const { policy, phi32 } = fixture(stationaryHidden, stationaryEpisodes);
    const settings: SampledBomrlSettings = { distance: 'l2', lambda: 1, gamma };
    const phi = tf.tensor1d(Float32Array.from(phi32));
    const task = prepareTask(policy, phi, stationaryEpisodes, settings, ['ignore-data']);
    try {
      expect(() =>
        lowerLevelTangent(policy, phi, phi, new Float64Array(3), task, settings),
      ).toThrow(/direction has 3 entries, phi 10/);
    } finally {
      phi.dispose();
      task.data.dispose();
    }
  });
});
