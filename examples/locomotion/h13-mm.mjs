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
console.log('matMul', time(() => tf.tidy(() => tf.matMul(a, b).dataSync())).toFixed(2));
console.log(
  'matMul tA',
  time(() => tf.tidy(() => tf.matMul(a, a, true, false).dataSync())).toFixed(2),
);
console.log(
  'transpose+matMul',
  time(() => tf.tidy(() => tf.matMul(tf.transpose(a), a).dataSync())).toFixed(2),
);
console.log('tanh', time(() => tf.tidy(() => tf.tanh(a).dataSync())).toFixed(2));
console.log('exp', time(() => tf.tidy(() => tf.exp(a).dataSync())).toFixed(2));
console.log('mul', time(() => tf.tidy(() => tf.mul(a, a).dataSync())).toFixed(2));
console.log('sigmoid', time(() => tf.tidy(() => tf.sigmoid(a).dataSync())).toFixed(2));
console.log('add', time(() => tf.tidy(() => tf.add(a, a).dataSync())).toFixed(2));
console.log('square', time(() => tf.tidy(() => tf.square(a).dataSync())).toFixed(2));
console.log('sub 1', time(() => tf.tidy(() => tf.sub(1, a).dataSync())).toFixed(2));
console.log('div', time(() => tf.tidy(() => tf.div(a, a).dataSync())).toFixed(2));
