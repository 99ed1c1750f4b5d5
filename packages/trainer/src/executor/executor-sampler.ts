import type { Tensor1D } from '@tensorflow/tfjs-core';
import type { Episode, SampleRequest, Sampler } from '../sampling/sampler';
import type { TaskExecutor } from './executor';

/**
 * A {@link Sampler} whose requests run as executor jobs, one per request: every method that
 * samples through the sampler interface (ProMP, E-MAML, meta-test) collects its tasks' episodes
 * on all workers. The episodes equal the in-process sampler's (each request has its own seeded
 * generator and envs), so switching samplers never changes a run.
 */
export class ExecutorSampler<Task> implements Sampler<Task> {
  constructor(private readonly executor: TaskExecutor) {}

  async sample(requests: readonly SampleRequest<Task>[]): Promise<Episode[][]> {
    const tensors: Tensor1D[] = [];
    const params: Float32Array[] = [];
    const inputs = requests.map((r) => {
      let paramsIndex = tensors.indexOf(r.params);
      if (paramsIndex < 0) {
        paramsIndex = tensors.length;
        tensors.push(r.params);
        params.push(Float32Array.from(r.params.dataSync()));
      }
      return { task: r.task, paramsIndex, episodes: r.episodes, seed: r.seed };
    });
    return this.executor.run('sample', { params }, inputs);
  }

  close(): void {
    // the executor belongs to the run
  }
}
