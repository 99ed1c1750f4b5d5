import { lowerLevelObjective, type RatioTransform, sampledData } from '@bomrl/adaptation';
import { relativeError } from '@bomrl/core';
import { softmaxPolicy } from '@bomrl/envs/tabular';
import { TabularSoftmaxPolicy } from '@bomrl/policies';
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { crossHvp, gradPhi } from '../../implicit/index';
import { LinearFeatureBaseline } from '../advantages/linear-feature-baseline';
import { enumerateEpisodes, frozenLakeTask } from '../testing/fixtures';
import { DISTANCES, type DistanceName, fullObjective, ignoreDataObjective, magicBox } from './dice';
import { type EpisodeTensors, episodeTensors } from './episode-tensors';

/**
 * Unbiasedness of the 'full' surrogate, checked EXACTLY (no sampling noise): on a deterministic
 * 2x2 Frozen Lake with horizon 3 every one of the 4^3 = 64 trajectories is enumerated, and the
 * expectation of any estimator is the probability-weighted sum over them. The truth is the
 * expected objective written as an explicit differentiable function of phi,
 *     G_true(theta, phi) = sum_tau p_phi(tau) [ L_tau(theta, phi) - lambda D2_tau(theta, phi) ],
 * p_phi(tau) = prod_t pi_phi(a_t|s_t), L_tau the batch L with the ratio's denominator recomputed
 * from phi, D2_tau the closed-form KL at the visited states. The estimator's expectation is
 * sum_tau p(tau) * (its derivatives on the one-episode batch tau), with p(tau) a constant.
 */
describe('DiCE surrogate (exact expectation by enumeration)', () => {
  const { model } = frozenLakeTask(2, 3, 1);
  const S = model.nStates;
  const A = model.nActions;
  const policy = new TabularSoftmaxPolicy({ numStates: S, numActions: A });
  const episodes = enumerateEpisodes(model);
  const phiValues = Float64Array.from({ length: S * A }, (_, i) => 0.6 * Math.sin(1.3 * i + 0.4));
  const thetaValues = phiValues.map((p, i) => p + 0.5 * Math.cos(0.7 * i));
  const vValues = Float32Array.from({ length: S * A }, (_, i) => Math.sin(2.1 * i + 1));
  const phi = tf.tensor1d(Float32Array.from(phiValues));
  const theta = tf.tensor1d(Float32Array.from(thetaValues));
  const v = tf.tensor1d(vValues);
  const pi = softmaxPolicy(phiValues, S, A);
  const probs = episodes.map((e) => {
    let p = 1;
    for (let t = 0; t < e.rewards.length; t++) p *= pi[e.observations[t]! * A + e.actions[t]!]!;
    return p;
  });
  // any fixed baseline keeps the estimator unbiased: fit one to all trajectories
  const baseline = new LinearFeatureBaseline();
  baseline.fit(episodes, model.gamma);
  const data: EpisodeTensors[] = episodes.map((e) =>
    episodeTensors(policy, phi, [e], { gamma: model.gamma, baseline, tabular: true }),
  );
  afterAll(() => {
    for (const d of data) d.dispose();
    tf.dispose([phi, theta, v]);
  });

  /** G_true of the header (with `ratio`, L_tau uses the transformed ratio f(rho)). */
  const trueObjective = (
    distance: DistanceName,
    lambda: number,
    ratio: RatioTransform = 'plain',
  ) => {
    const parts = data.map((d) => {
      // no oldLogProbs: the ratio's denominator is recomputed from phi
      const { oldLogProbs: _, ...batch } = d.batch;
      return lowerLevelObjective(
        { distance: DISTANCES[distance], lambda, surrogate: { ratio } },
        sampledData(policy, batch),
      );
    });
    return (th: Tensor1D, p: Tensor1D): Scalar =>
      tf.tidy(() => {
        const terms = data.map((d, i) => {
          const logp = tf.sum(policy.logProb(p, d.batch.observations, d.batch.actions));
          return tf.mul(tf.exp(logp), parts[i]!(th, p));
        });
        return tf.addN(terms) as Scalar;
      });
  };

  /** sum_tau p(tau) f(tau) for a host-vector estimator f. */
  const expectation = (f: (d: EpisodeTensors) => Float32Array | Float64Array) => {
    const out = new Float64Array(S * A);
    data.forEach((d, i) => {
      const x = f(d);
      for (let j = 0; j < out.length; j++) out[j]! += probs[i]! * x[j]!;
    });
    return out;
  };
  const host = (t: Tensor1D) => {
    const x = Float64Array.from(t.dataSync());
    t.dispose();
    return x;
  };

  it('the probabilities sum to 1 (the enumeration is complete)', () => {
    expect(probs.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
  });

  for (const distance of ['forward-kl', 'reverse-kl', 'l2'] as const) {
    const lambda = 0.7;
    it(`${distance}: E[grad_phi G_full] and E[grad_phi <grad_theta G_full, v>] equal the truth`, () => {
      const G = trueObjective(distance, lambda);
      const trueGrad = host(gradPhi(G, theta, phi));
      const trueCross = host(crossHvp(G, theta, phi, v));
      const estGrad = expectation((d) =>
        host(gradPhi(fullObjective(policy, d, { distance, lambda }), theta, phi)),
      );
      const estCross = expectation((d) =>
        host(crossHvp(fullObjective(policy, d, { distance, lambda }), theta, phi, v)),
      );
      expect(relativeError(estGrad, trueGrad)).toBeLessThan(1e-4);
      expect(relativeError(estCross, trueCross)).toBeLessThan(1e-4);
      // and 'ignore-data' is NOT the truth: it drops the data's dependence on phi (with l2 the
      // -lambda d2 D2/dphi dtheta = 2 lambda I part it keeps dominates, so the gap is smaller)
      const ignCross = expectation((d) =>
        host(crossHvp(ignoreDataObjective(policy, d, { distance, lambda }), theta, phi, v)),
      );
      expect(relativeError(ignCross, trueCross)).toBeGreaterThan(distance === 'l2' ? 0.005 : 0.05);
    });
  }

  // smooth-clip: S with f(rho_t) in place of rho_t is still an unbiased DiCE estimator of
  // E[f(rho) (Q - b)] with every phi-dependence (sampling, denominator, state weighting)
  // log-prob: S with 1 + log rho_t, the REINFORCE surrogate's DiCE form up to theta-free terms
  for (const [distance, ratio] of [
    ['forward-kl', 'smooth-clip'],
    ['reverse-kl', 'smooth-clip'],
    ['forward-kl', 'log-prob'],
  ] as const) {
    const lambda = 0.7;
    const penalty = { distance, lambda, ratio };
    it(`${distance}, ${ratio}: E[grad_phi G_full] and E[grad_phi <grad_theta G_full, v>] equal the truth`, () => {
      const G = trueObjective(distance, lambda, ratio);
      const trueGrad = host(gradPhi(G, theta, phi));
      const trueCross = host(crossHvp(G, theta, phi, v));
      const estGrad = expectation((d) =>
        host(gradPhi(fullObjective(policy, d, penalty), theta, phi)),
      );
      const estCross = expectation((d) =>
        host(crossHvp(fullObjective(policy, d, penalty), theta, phi, v)),
      );
      // the same float32 enumeration as the plain-ratio rows: measured ~1e-6
      expect(relativeError(estGrad, trueGrad)).toBeLessThan(1e-4);
      expect(relativeError(estCross, trueCross)).toBeLessThan(1e-4);
      // not vacuous: at this theta (far from phi) the plain-ratio truth differs
      const plainCross = host(crossHvp(trueObjective(distance, lambda), theta, phi, v));
      expect(relativeError(plainCross, trueCross)).toBeGreaterThan(1e-2);
    });
  }

  it('S and D2_full equal the batch L and D2 in value at every theta (box = 1)', () => {
    for (const d of data.slice(0, 8)) {
      for (const distance of ['forward-kl', 'reverse-kl'] as const) {
        const full = fullObjective(policy, d, { distance, lambda: 0.3 });
        const flat = ignoreDataObjective(policy, d, { distance, lambda: 0.3 });
        const a = tf.tidy(() => full(theta, phi).dataSync()[0]!);
        const b = tf.tidy(() => flat(theta, phi).dataSync()[0]!);
        expect(Math.abs(a - b)).toBeLessThan(1e-5 * (1 + Math.abs(b)));
      }
    }
  });

  it('with every ratio transform and normalized advantages, S equals the batch L in value and theta-gradient', () => {
    // several episodes per batch, so the normalization's shift and scale are not trivial
    const episodesOf = [episodes.slice(0, 5), episodes.slice(20, 27), episodes.slice(40, 44)];
    for (const group of episodesOf) {
      const d = episodeTensors(policy, phi, group, {
        gamma: model.gamma,
        baseline,
        tabular: true,
        normalizeAdvantages: true,
      });
      const adv = Array.from(d.batch.advantages ?? []);
      const mean = adv.reduce((a, b) => a + b, 0) / adv.length;
      // the batch's advantages are normalized (population std 1, or all 0 for a constant batch)
      expect(Math.abs(mean)).toBeLessThan(1e-6);
      const variance = adv.reduce((a, b) => a + (b - mean) ** 2, 0) / adv.length;
      expect(Math.abs(variance - 1)).toBeLessThan(1e-5);
      for (const ratio of ['plain', 'smooth-clip', 'log-prob'] as const) {
        const penalty = { distance: 'forward-kl' as const, lambda: 0.3, ratio };
        const full = fullObjective(policy, d, penalty);
        const flat = ignoreDataObjective(policy, d, penalty);
        const a = tf.tidy(() => full(theta, phi).dataSync()[0]!);
        const b = tf.tidy(() => flat(theta, phi).dataSync()[0]!);
        // float32 sums of ~100 terms of size ~1
        expect(Math.abs(a - b)).toBeLessThan(1e-5 * (1 + Math.abs(b)));
        const ga = tf.tidy(() =>
          tf
            .grad((t: Tensor) => full(t as Tensor1D, phi))(theta)
            .dataSync(),
        );
        const gb = tf.tidy(() =>
          tf
            .grad((t: Tensor) => flat(t as Tensor1D, phi))(theta)
            .dataSync(),
        );
        expect(relativeError(ga, gb)).toBeLessThan(1e-4);
      }
      d.dispose();
    }
  });

  it("the spec's baseline box(C_{t-1}) would be biased: its extra term has a nonzero expected mixed derivative", () => {
    // E[grad_phi <grad_theta B, v>] for B = (1/Z) sum_t gamma^t b_t rho_t (box(C_t) - box(C_{t-1})),
    // the difference between the two baseline forms. Its true value is 0 (B is 0 in value for all
    // theta and phi), so a nonzero expectation is the bias the C_t form avoids.
    const extra = (d: EpisodeTensors) => (th: Tensor1D, p: Tensor1D) =>
      tf.tidy(() => {
        const shape: [number, number] = [d.nEpisodes, d.maxLength];
        const lt = tf.mul(
          tf.reshape(policy.logProb(th, d.paddedObservations, d.paddedActions), shape),
          d.mask,
        );
        const lp = tf.mul(
          tf.reshape(policy.logProb(p, d.paddedObservations, d.paddedActions), shape),
          d.mask,
        );
        const rho = tf.mul(tf.exp(tf.sub(lt, lp)), d.mask);
        const C = tf.matMul(lp, d.prefix);
        const boxes = tf.sub(magicBox(C), magicBox(tf.sub(C, lp)));
        return tf.div(
          tf.sum(tf.mul(d.discountedBaseline, tf.mul(rho, boxes))),
          d.totalWeight,
        ) as Scalar;
      });
    const bias = expectation((d) => host(crossHvp(extra(d), theta, phi, v)));
    const G = trueObjective('forward-kl', 0.7);
    const scale = host(crossHvp(G, theta, phi, v));
    expect(relativeError(bias, scale)).toBeGreaterThan(0.01);
  });
});
