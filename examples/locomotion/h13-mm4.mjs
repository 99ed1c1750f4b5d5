import { selectBackend } from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';

await selectBackend('wasm');
console.log('DEBUG', tf.env().getBool('DEBUG'), tf.env().features);
const time = (f, n = 10) => {
  f();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f();
  return (performance.now() - t0) / n;
};
const a = tf.randomNormal([19596]);
const be = tf.backend();
console.log(
  'backend.readSync',
  time(() => {
    const b = tf.add(a, 1);
    be.readSync(b.dataId);
    b.dispose();
  }).toFixed(3),
);
console.log(
  'HEAPU8.slice',
  time(() => {
    be.wasm.HEAPU8.slice(0, 19596 * 4);
  }).toFixed(3),
);
console.log(
  'dataSync',
  time(() => {
    const b = tf.add(a, 1);
    b.dataSync();
    b.dispose();
  }).toFixed(3),
);
console.log(
  'engine.readSync',
  time(() => {
    const b = tf.add(a, 1);
    tf.engine().readSync(b.dataId);
    b.dispose();
  }).toFixed(3),
);
