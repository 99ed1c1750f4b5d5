import { selectBackend } from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';

await selectBackend(process.argv[2] ?? 'wasm');
const time = (f, n = 10) => {
  f();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f();
  return (performance.now() - t0) / n;
};
for (const n of [120, 19596, 100000, 512000]) {
  const a = tf.randomNormal([n]);
  console.log(
    n,
    'clone dataSync',
    time(() => tf.tidy(() => tf.clone(a).dataSync())).toFixed(3),
    'add dataSync',
    time(() => tf.tidy(() => tf.add(a, 1).dataSync())).toFixed(3),
    'add sum',
    time(() => tf.tidy(() => tf.sum(tf.add(a, 1)).dataSync())).toFixed(3),
  );
}
