import * as tf from '@tensorflow/tfjs-core';
export function tanhByCF(x) {
  return tf.tidy(() => {
    const y = tf.mul(tf.clipByValue(x, -9, 9), 0.25);
    const s = tf.square(y);
    let d = tf.add(tf.mul(s, 1 / 7), 5);
    d = tf.add(tf.div(s, d), 3);
    let t = tf.div(y, tf.add(tf.div(s, d), 1));
    for (let k = 0; k < 2; k++) t = tf.div(tf.add(t, t), tf.add(tf.square(t), 1));
    return t;
  });
}
