import { selectBackend } from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';

await selectBackend('wasm');
const be = tf.backend();
const time = (f, n = 20) => {
  f();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f();
  return (performance.now() - t0) / n;
};
const x = tf.mul(tf.randomNormal([4000, 128]), 2);
function jsTanh(x) {
  const out = be.makeOutput(x.shape, 'float32');
  const xi = be.typedArrayFromHeap(x);
  const oi = be.typedArrayFromHeap(out);
  for (let i = 0; i < xi.length; i++) oi[i] = Math.tanh(xi[i]);
  return tf.engine().makeTensorFromTensorInfo(out);
}
function jsTanhExp(x) {
  const out = be.makeOutput(x.shape, 'float32');
  const xi = be.typedArrayFromHeap(x);
  const oi = be.typedArrayFromHeap(out);
  for (let i = 0; i < xi.length; i++) {
    const v = xi[i];
    const e = Math.exp(-2 * Math.abs(v));
    const t = (1 - e) / (1 + e);
    oi[i] = v < 0 ? -t : t;
  }
  return tf.engine().makeTensorFromTensorInfo(out);
}
const ref = tf.tanh(x).dataSync();
for (let rep = 0; rep < 2; rep++) {
  console.log(
    'wasm Tanh',
    time(() =>
      tf.tidy(() => {
        tf.tanh(x);
      }),
    ).toFixed(2),
  );
  console.log(
    'js Math.tanh',
    time(() =>
      tf.tidy(() => {
        jsTanh(x);
      }),
    ).toFixed(2),
  );
  console.log(
    'js exp form',
    time(() =>
      tf.tidy(() => {
        jsTanhExp(x);
      }),
    ).toFixed(2),
  );
  console.log(
    'tf exp form',
    time(() =>
      tf.tidy(() => {
        tf.sub(1, tf.div(2, tf.add(tf.exp(tf.mul(x, 2)), 1)));
      }),
    ).toFixed(2),
  );
  console.log(
    'wasm exp',
    time(() =>
      tf.tidy(() => {
        tf.exp(x);
      }),
    ).toFixed(2),
    'wasm mul',
    time(() =>
      tf.tidy(() => {
        tf.mul(x, x);
      }),
    ).toFixed(2),
  );
}
const a = jsTanh(x).dataSync();
const b = jsTanhExp(x).dataSync();
let ma = 0,
  mb = 0;
for (let i = 0; i < a.length; i++) {
  ma = Math.max(ma, Math.abs(a[i] - ref[i]));
  mb = Math.max(mb, Math.abs(b[i] - ref[i]));
}
console.log('max abs diff vs wasm tanh', ma, mb);
