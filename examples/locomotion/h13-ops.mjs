import { selectBackend } from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';

await selectBackend('wasm');
const time = (f, n = 30) => {
  f();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f();
  return (performance.now() - t0) / n;
};
const x = tf.mul(tf.randomNormal([4000, 128]), 2);
const y = tf.add(tf.abs(x), 1);
const one = tf.scalar(1);
const full1 = tf.onesLike(x);
for (let rep = 0; rep < 2; rep++) {
  const r = {
    mulxx: time(() =>
      tf.tidy(() => {
        tf.mul(x, x);
      }),
    ),
    addScalarNum: time(() =>
      tf.tidy(() => {
        tf.add(x, 1);
      }),
    ),
    addScalarT: time(() =>
      tf.tidy(() => {
        tf.add(x, one);
      }),
    ),
    addFull: time(() =>
      tf.tidy(() => {
        tf.add(x, full1);
      }),
    ),
    divxy: time(() =>
      tf.tidy(() => {
        tf.div(x, y);
      }),
    ),
    square: time(() =>
      tf.tidy(() => {
        tf.square(x);
      }),
    ),
    clip: time(() =>
      tf.tidy(() => {
        tf.clipByValue(x, -9, 9);
      }),
    ),
    tanh: time(() =>
      tf.tidy(() => {
        tf.tanh(x);
      }),
    ),
    sigmoid: time(() =>
      tf.tidy(() => {
        tf.sigmoid(x);
      }),
    ),
    exp: time(() =>
      tf.tidy(() => {
        tf.exp(x);
      }),
    ),
    reciprocal: time(() =>
      tf.tidy(() => {
        tf.reciprocal(y);
      }),
    ),
    relu: time(() =>
      tf.tidy(() => {
        tf.relu(x);
      }),
    ),
  };
  console.log(
    Object.entries(r)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(', '),
  );
}
