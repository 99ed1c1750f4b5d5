import { selectBackend } from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';

await selectBackend('wasm');
const time = (f, n = 30) => {
  f();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f();
  return (performance.now() - t0) / n;
};
const N = 512000;
const xs = new Float32Array(N);
for (let i = 0; i < N; i++) xs[i] = -12 + (24 * i) / (N - 1);
const x = tf.tensor1d(xs);
const viaSig = (x) => tf.tidy(() => tf.sub(tf.mul(tf.sigmoid(tf.add(x, x)), 2), 1));
for (let rep = 0; rep < 2; rep++)
  console.log(
    'tanh',
    time(() =>
      tf.tidy(() => {
        tf.tanh(x);
      }),
    ).toFixed(2),
    'viaSig',
    time(() =>
      tf.tidy(() => {
        viaSig(x);
      }),
    ).toFixed(2),
  );
const a = viaSig(x).dataSync();
const b = tf.tanh(x).dataSync();
let ea = 0,
  eb = 0,
  ra = 0;
for (let i = 0; i < N; i++) {
  const t = Math.tanh(xs[i]);
  ea = Math.max(ea, Math.abs(a[i] - t));
  eb = Math.max(eb, Math.abs(b[i] - t));
  if (Math.abs(t) > 0.1) ra = Math.max(ra, Math.abs(a[i] - t) / Math.abs(t));
}
console.log('max abs err viaSig', ea, 'wasm tanh', eb, 'rel (|t|>0.1)', ra);
