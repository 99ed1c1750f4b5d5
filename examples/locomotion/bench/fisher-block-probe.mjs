/**
 * `node examples/locomotion/bench/fisher-block-probe.mjs`: how well conditioned the KL penalty's
 * Hessian is in the output layer, where the KL lower levels keep most of their gradient
 * (`lower-level-bench.mjs --blocks`). On one task's pre-update batch at the initial policy of
 * half-cheetah-vel-bomrl.yaml it builds the forward KL's Hessian at phi (the Fisher matrix)
 * restricted to one action dimension's column of output-layer weights, E[h h^T] / sigma^2 over
 * the last hidden layer's features h (one Hessian-vector product per row), and prints its
 * eigenvalues' range, condition number and how many lie below 1e-2, 1e-4 and 1e-6 of the largest.
 *
 * Options: --episodes N (default 20), --horizon N (200), --action J (0), --json.
 */

import { forwardKL } from '@bomrl/adaptation';
import { hessianVectorProduct } from '@bomrl/core';
import { buildBatch } from '@bomrl/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { args, option } from './bench-args.mjs';
import { halfCheetahSetup } from './half-cheetah-setup.mjs';

const episodes = option('episodes', 20);
const horizon = option('horizon', 200);
const action = option('action', 0);

/** Eigenvalues of a symmetric matrix (row-major, n x n) by cyclic Jacobi rotations. */
function symmetricEigenvalues(m, n) {
  const a = Float64Array.from(m);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Array.from({ length: n }, (_, i) => a[i * n + i]).sort((x, y) => y - x);
}

const { config, setup, policy, sampler, phi } = await halfCheetahSetup({ episodes, horizon });
const [eps] = await sampler.sample([
  { task: setup.tasks.train[0], params: phi, episodes, seed: 100 },
]);
const batch = buildBatch(policy, eps, { gamma: config.env.gamma, gaeLambda: 1, normalize: false });
// the output layer's weights: the last 2-D shape of the mean network, [hidden, actions]
const shapes = policy.paramShapes;
let offset = 0;
let layer = -1;
for (let i = 0; i < shapes.length; i++) {
  if (shapes[i].length === 2) layer = i;
}
for (let i = 0; i < layer; i++) offset += shapes[i].reduce((a, b) => a * b, 1);
const [rows, cols] = shapes[layer];
const D = (t) => forwardKL.value(t, phi, batch.data);
const at = tf.clone(phi);
const block = new Float64Array(rows * rows);
for (let i = 0; i < rows; i++) {
  const e = new Float32Array(phi.size);
  e[offset + i * cols + action] = 1;
  const column = tf.tidy(() => hessianVectorProduct(D, at, tf.tensor1d(e)).dataSync());
  for (let k = 0; k < rows; k++) block[k * rows + i] = column[offset + k * cols + action];
}
// symmetrize the float32 products before the float64 eigen-solve
for (let i = 0; i < rows; i++) {
  for (let k = i + 1; k < rows; k++) {
    const v = (block[i * rows + k] + block[k * rows + i]) / 2;
    block[i * rows + k] = v;
    block[k * rows + i] = v;
  }
}
const values = symmetricEigenvalues(block, rows);
const largest = values[0];
const smallest = values[rows - 1];
const sig = (x) => Number(x.toPrecision(3));
const below = (f) => values.filter((v) => v < f * largest).length;
const out = {
  block: `output-layer weights [${rows}, ${cols}], action ${action}`,
  largest: sig(largest),
  smallest: sig(smallest),
  condition: smallest > 0 ? sig(largest / smallest) : null,
  belowFractionOfLargest: { '1e-2': below(1e-2), '1e-4': below(1e-4), '1e-6': below(1e-6) },
};
console.log(args.includes('--json') ? JSON.stringify(out) : JSON.stringify(out, null, 2));
tf.dispose([at, phi]);
batch.dispose();
await setup.dispose();
