import type { Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { Episode, Sampler } from '../sampling/sampler';
import { subSeed } from './sub-seed';

/**
 * Meta-test adaptation shared by the sampled methods: `rounds` successive adaptations of one
 * task, each from the previous round's parameters on N fresh episodes (seeded by `seed` and the
 * round), returning the parameters after each round (index 0 = phi). `adaptOnce` is the method's
 * one adaptation step on a batch; it must not keep `params`.
 */
export async function adaptInRounds(
  sampler: Sampler<unknown>,
  task: unknown,
  episodes: number,
  phi: Float64Array,
  rounds: number,
  seed: number,
  adaptOnce: (params: Tensor1D, batch: readonly Episode[]) => Float64Array,
): Promise<Float64Array[]> {
  const out: Float64Array[] = [Float64Array.from(phi)];
  for (let k = 0; k < rounds; k++) {
    const params = tf.tensor1d(Float32Array.from(out[k]!));
    try {
      const [batch] = await sampler.sample([
        { task, params, episodes, seed: subSeed(seed, k, 0x5eed) },
      ]);
      out.push(adaptOnce(params, batch!));
    } finally {
      params.dispose();
    }
  }
  return out;
}
