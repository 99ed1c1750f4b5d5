import { fastTanh, gradient, Random, selectBackend } from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';

await selectBackend('wasm');
const r = new Random(1);
const B = 4000;
const x = tf.tensor2d(
  Float32Array.from({ length: B * 17 }, () => r.normal()),
  [B, 17],
);
const W = [
  [17, 128],
  [128, 128],
  [128, 6],
].map((s) =>
  tf.tensor2d(
    Float32Array.from({ length: s[0] * s[1] }, () => r.normal() * 0.1),
    s,
  ),
);
const f = (act) => (p) =>
  tf.tidy(() => {
    let h = tf.matMul(x, W[0]);
    h = act(tf.add(h, tf.slice(p, 0, 128)));
    h = act(tf.matMul(h, W[1]));
    return tf.sum(tf.square(tf.matMul(h, W[2])));
  });
const p = tf.zeros([128]);
const time = (g, n = 10) => {
  g();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) g();
  return (performance.now() - t0) / n;
};
for (let rep = 0; rep < 3; rep++)
  console.log(
    'fwd tf.tanh',
    time(() => tf.tidy(() => f(tf.tanh)(p).dataSync())).toFixed(1),
    'fastTanh',
    time(() => tf.tidy(() => f(fastTanh)(p).dataSync())).toFixed(1),
    '| fwd+bwd tf.tanh',
    time(() => tf.tidy(() => gradient(f(tf.tanh), p).dataSync())).toFixed(1),
    'fastTanh',
    time(() => tf.tidy(() => gradient(f(fastTanh), p).dataSync())).toFixed(1),
  );
