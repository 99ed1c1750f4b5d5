/**
 * `node examples/locomotion/bench/lower-level-probe.mjs`: why the HalfCheetahVel lower level is
 * hard to solve. On one task's pre-update batch at the initial policy (BO-MRL Alg(1), lambda from
 * the config, plain importance ratio as the trainer uses it) it prints the advantages' scale, the
 * curvature of G along grad G(phi) split into the surrogate's part and lambda times the Fisher
 * (the forward KL's Hessian at phi), and G along the ascent ray phi + t grad G / ||grad G||, for
 * the plain ratio and the smooth-clipped one.
 *
 * Options: --episodes N (default 20), --horizon N (200), --json.
 */

import { forwardKL, lowerLevelObjective, surrogate } from '@bomrl/adaptation';
import { gradient, hessianVectorProduct } from '@bomrl/core';
import { buildBatch } from '@bomrl/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { args, option } from './bench-args.mjs';
import { halfCheetahSetup } from './half-cheetah-setup.mjs';

const episodes = option('episodes', 20);
const horizon = option('horizon', 200);

const { config, setup, policy, sampler, phi } = await halfCheetahSetup({ episodes, horizon });
const lambda = config.method.lambda;
const [eps] = await sampler.sample([
  { task: setup.tasks.train[0], params: phi, episodes, seed: 100 },
]);
const batch = buildBatch(policy, eps, { gamma: config.env.gamma, gaeLambda: 1, normalize: false });
const A = batch.data.batch.advantages;
let sum = 0;
let sq = 0;
let maxAbs = 0;
for (const a of A) {
  sum += a;
  sq += a * a;
  maxAbs = Math.max(maxAbs, Math.abs(a));
}
const advantages = {
  samples: A.length,
  mean: sum / A.length,
  rms: Math.sqrt(sq / A.length),
  maxAbs,
};
const num = (t) => t.dataSync()[0];
const sig = (x) => Number(x.toPrecision(3));
const out = { lambda, advantages };
for (const ratio of ['plain', 'smooth-clip']) {
  const problem = { distance: forwardKL, lambda, surrogate: { ratio } };
  const G = lowerLevelObjective(problem, batch.data);
  const L = surrogate(batch.data, { ratio });
  const D = (t) => forwardKL.value(t, phi, batch.data);
  const at = tf.clone(phi);
  const g = gradient((t) => G(t, phi), at);
  const gNorm = num(tf.norm(g));
  const u = tf.div(g, gNorm);
  // Rayleigh quotients u^T H u: of L (the surrogate's curvature) and of D2 (= the Fisher at phi).
  const curvL = num(
    tf.sum(
      tf.mul(
        u,
        hessianVectorProduct((t) => L(t, phi), at, u),
      ),
    ),
  );
  const curvD = num(tf.sum(tf.mul(u, hessianVectorProduct(D, at, u))));
  const G0 = num(G(at, phi));
  const ray = {};
  for (const t of [0.01, 0.03, 0.1, 0.3, 1, 3]) {
    const x = tf.add(phi, tf.mul(u, t));
    ray[t] = sig(num(G(x, phi)) - G0);
    x.dispose();
  }
  out[ratio] = {
    gradNormAtPhi: sig(gNorm),
    curvatureAlongGrad: { surrogate: sig(curvL), lambdaFisher: sig(lambda * curvD) },
    ascentAlongGrad: ray,
  };
  if (ratio === 'plain') {
    // Power iteration on H finds its largest-magnitude eigenvalue mu (negative: the KL's stiff
    // directions); on H - mu I it then finds the most positive eigenvalue of H.
    const Hv = (v) => hessianVectorProduct((t) => G(t, phi), at, v);
    const power = (shift, iterations) => {
      let v = tf.randomNormal([phi.size], 0, 1, 'float32', 1);
      let value = 0;
      for (let k = 0; k < iterations; k++) {
        const next = tf.tidy(() => {
          const w = tf.sub(Hv(v), tf.mul(shift, v));
          return tf.div(w, tf.norm(w));
        });
        value = tf.tidy(() => num(tf.sum(tf.mul(next, Hv(next)))));
        v.dispose();
        v = next;
      }
      return { value, v };
    };
    const dominant = power(0, 15);
    dominant.v.dispose();
    const top = power(dominant.value, 30);
    const alongL = num(
      tf.sum(
        tf.mul(
          top.v,
          hessianVectorProduct((t) => L(t, phi), at, top.v),
        ),
      ),
    );
    const alongD = num(tf.sum(tf.mul(top.v, hessianVectorProduct(D, at, top.v))));
    top.v.dispose();
    out[ratio].hessianEigenvalues = {
      mostNegative: sig(dominant.value),
      mostPositive: sig(top.value),
      alongMostPositive: { surrogate: sig(alongL), lambdaFisher: sig(lambda * alongD) },
    };
  }
  tf.dispose([at, g, u]);
}
console.log(args.includes('--json') ? JSON.stringify(out) : JSON.stringify(out, null, 2));
batch.dispose();
phi.dispose();
setup.dispose();
