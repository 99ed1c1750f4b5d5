import { selectBackend } from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';

await selectBackend(process.argv[2] ?? 'wasm');
const a = tf.randomNormal([4000, 128]);
const b = tf.randomNormal([128, 128]);
const time = (f, n = 10) => {
  f();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f();
  return (performance.now() - t0) / n;
};
console.log('matMul sum', time(() => tf.tidy(() => tf.sum(tf.matMul(a, b)).dataSync())).toFixed(2));
console.log('mul sum', time(() => tf.tidy(() => tf.sum(tf.mul(a, a)).dataSync())).toFixed(2));
console.log(
  'mul nosync',
  time(() =>
    tf.tidy(() => {
      tf.mul(a, a);
    }),
  ).toFixed(2),
);
console.log('tanh sum', time(() => tf.tidy(() => tf.sum(tf.tanh(a)).dataSync())).toFixed(2));
console.log('exp sum', time(() => tf.tidy(() => tf.sum(tf.exp(a)).dataSync())).toFixed(2));
console.log('clone dataSync', time(() => tf.tidy(() => tf.clone(a).dataSync())).toFixed(2));
console.log('a dataSync', time(() => a.dataSync()).toFixed(2));
