import { selectBackend } from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';
import { tanhByCF } from './h13-tanhcf.mjs';

await selectBackend('wasm');
const time = (f, n = 20) => {
  f();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f();
  return (performance.now() - t0) / n;
};
const x = tf.mul(tf.randomNormal([4000, 128]), 2);
for (let rep = 0; rep < 3; rep++)
  console.log(
    'wasm Tanh',
    time(() =>
      tf.tidy(() => {
        tf.tanh(x);
      }),
    ).toFixed(2),
    'CF',
    time(() =>
      tf.tidy(() => {
        tanhByCF(x);
      }),
    ).toFixed(2),
  );
