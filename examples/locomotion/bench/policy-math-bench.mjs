/**
 * `pnpm bench:policy-math`: the policy math of one locomotion meta-iteration, old and new way
 * side by side in one process on the wasm backend (17-128-128-6 Gaussian MLP, 4000 observations
 * per task): a Fisher-vector product by double backprop vs the analytic operator, and an MLP
 * forward / forward+backward with tfjs's tanh vs `fastTanh`. Prints milliseconds (medians of 5).
 *
 * Options: --batch N (default 4000), --json.
 */
import { fastTanh, gradient, hessianVectorProduct, Random, selectBackend } from '@bomrl/core';
import { GaussianMLPPolicy } from '@bomrl/policies';
import * as tf from '@tensorflow/tfjs-core';

const args = process.argv.slice(2).filter((a) => a !== '--');
const at = args.indexOf('--batch');
const B = at >= 0 ? Number(args[at + 1]) : 4000;
await selectBackend('wasm');

const median = (f, n = 5) => {
  f();
  const t = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  return Number(t.sort((a, b) => a - b)[Math.floor(n / 2)].toFixed(1));
};

const policy = new GaussianMLPPolicy({
  obsDim: 17,
  actDim: 6,
  hidden: [128, 128],
  logStdInit: -0.7,
});
const r = new Random(1);
const obs = policy.obsTensor(Float32Array.from({ length: B * 17 }, () => r.normal()));
const phi = policy.init(0);
const old = policy.init(0);
const v = tf.tensor1d(Float32Array.from({ length: policy.paramCount }, () => r.normal()));
const meanKl = (x) => tf.mean(policy.kl(old, x, obs));
const fisher = policy.fisher(phi, obs);
const fvp = {
  doubleBackpropMs: median(() => tf.tidy(() => hessianVectorProduct(meanKl, phi, v).dataSync())),
  analyticMs: median(() => tf.tidy(() => fisher.apply(v).dataSync())),
  analyticBuildMs: median(() => policy.fisher(phi, obs).dispose()),
};
fisher.dispose();

// the mean MLP alone, with either tanh
const W = policy.paramShapes.slice(0, 6).map((s) =>
  tf.tensor(
    Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => 0.1 * r.normal()),
    s,
  ),
);
const mlp = (tanh) => (b0) =>
  tf.tidy(() => {
    let h = tanh(tf.add(tf.matMul(obs, W[0]), b0));
    h = tanh(tf.add(tf.matMul(h, W[2]), W[3]));
    return tf.sum(tf.square(tf.add(tf.matMul(h, W[4]), W[5])));
  });
const tanhRow = (tanh) => ({
  forwardMs: median(() => tf.tidy(() => mlp(tanh)(W[1]).dataSync())),
  forwardBackwardMs: median(() => tf.tidy(() => gradient(mlp(tanh), W[1]).dataSync())),
});
const result = {
  batch: B,
  fisherVectorProduct: fvp,
  mlpTfTanh: tanhRow((x) => tf.tanh(x)),
  mlpFastTanh: tanhRow(fastTanh),
};
if (args.includes('--json')) console.log(JSON.stringify(result));
else console.log(JSON.stringify(result, null, 2));
