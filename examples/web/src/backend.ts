import '@tensorflow/tfjs-backend-cpu';
import { ensureSecondOrderGradients, secondOrderGradientsActive } from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Starts tfjs's cpu backend in the browser with @bomrl/core's second-order-correct gradients.
 *
 * The backend package is imported statically (above) so that the bundler includes it: core's
 * `selectBackend` loads backends with a runtime `import(name)` that a browser cannot resolve
 * (bare package names need a bundler), so here the page registers the backend itself and only
 * asks core to install its gradients. Returns the active backend's name.
 */
export async function startBackend(): Promise<string> {
  const ok = await tf.setBackend('cpu');
  if (!ok) throw new Error("tfjs: tf.setBackend('cpu') failed to initialize");
  await tf.ready();
  ensureSecondOrderGradients();
  if (!secondOrderGradientsActive()) {
    throw new Error('@bomrl/core: the second-order gradients are not registered in this bundle');
  }
  return tf.getBackend();
}
