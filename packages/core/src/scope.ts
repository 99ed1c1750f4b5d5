import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `fn` and disposes every tensor it created, returning its result: `tf.tidy` for functions
 * that return plain values (numbers, typed arrays, objects of them), which `tf.tidy`'s types
 * reject. Tensors inside the result are NOT kept: read what you need (`dataSync`) inside `fn`.
 */
export function scoped<T>(fn: () => T): T {
  const engine = tf.engine();
  engine.startScope();
  try {
    return fn();
  } finally {
    engine.endScope();
  }
}
