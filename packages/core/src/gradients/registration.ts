import type { GradConfig } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node bundle registers no gradients, and its ESM files cannot be deep-imported
// under plain Node ESM (extension-less relative imports). Importing the registration module
// makes tsup bundle it into our dist (tsup.config.ts `noExternal`); tfjs keeps its kernel and
// gradient registries in globals, so the bundled copy registers into the one engine that the
// consumer's `@tensorflow/tfjs-core` uses.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { batchMatMulGradConfig } from '@tensorflow/tfjs-core/dist/gradients/BatchMatMul_grad';
import { eluGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Elu_grad';
import { expGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Exp_grad';
import { sigmoidGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Sigmoid_grad';
import { softmaxGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Softmax_grad';
import { tanhGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Tanh_grad';
import { secondOrderGradientConfigs } from './second-order';

/** tfjs's own configs for the kernels we correct (imported, not captured, so copies agree). */
const TFJS_ORIGINALS: ReadonlyMap<string, GradConfig> = new Map(
  [
    batchMatMulGradConfig,
    eluGradConfig,
    expGradConfig,
    sigmoidGradConfig,
    softmaxGradConfig,
    tanhGradConfig,
  ].map((c) => [c.kernelName, c]),
);

let corrected: GradConfig[] = [];
/** Set while `withUncorrectedGradients` runs, so autodiff entry points do not re-correct. */
let suspended = false;

function registerQuietly(config: GradConfig): void {
  // tfjs warns on every override when DEBUG is on; overriding is the point here.
  const debug = tf.env().getBool('DEBUG');
  if (debug) tf.env().set('DEBUG', false);
  tf.registerGradient(config);
  if (debug) tf.env().set('DEBUG', true);
}

/**
 * Makes sure the second-order-correct gradients are the registered ones. Cheap when they
 * already are. Called on import and again by every `@bomrl/core` autodiff entry point, because
 * a later `import '@tensorflow/tfjs'` re-registers tfjs's own (second-order-wrong) gradients.
 */
export function ensureSecondOrderGradients(): void {
  if (suspended) return;
  if (corrected.length === 0) corrected = secondOrderGradientConfigs((k) => TFJS_ORIGINALS.get(k));
  for (const config of corrected) {
    if (tf.getGradient(config.kernelName) !== config) registerQuietly(config);
  }
}

/** True when every corrected gradient is the one tfjs will use. */
export function secondOrderGradientsActive(): boolean {
  return corrected.length > 0 && corrected.every((c) => tf.getGradient(c.kernelName) === c);
}

/**
 * Runs `fn` with tfjs's ORIGINAL gradients for the kernels we correct, then restores ours.
 * For tests and demonstrations that the correction matters; never for real work.
 */
export function withUncorrectedGradients<T>(fn: () => T): T {
  ensureSecondOrderGradients();
  for (const { kernelName } of corrected) {
    const original = TFJS_ORIGINALS.get(kernelName);
    if (original) registerQuietly(original);
    else tf.unregisterGradient(kernelName); // tfjs has none (comparison kernels)
  }
  suspended = true;
  try {
    return fn();
  } finally {
    suspended = false;
    for (const config of corrected) registerQuietly(config);
  }
}

ensureSecondOrderGradients();
