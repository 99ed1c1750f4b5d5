import { Rng } from '@bomrl/core';
import { type TaskFamily, VectorEnv, type VectorizableEnv } from '@bomrl/envs';
import type { Policy } from '@bomrl/policies';
import * as tf from '@tensorflow/tfjs-core';
import type { Episode, SampleRequest, Sampler } from './sampler';

/**
 * Runs a vector env in this thread with batched policy inference: at every step one
 * `policy.sample` call draws the actions of all running copies. Vector envs are cached by size
 * and switched between tasks with `setTask` (creating MuJoCo models is the expensive part).
 */
export class InProcessSampler<Task> implements Sampler<Task> {
  private readonly pools = new Map<number, VectorEnv<Task>>();

  constructor(
    private readonly family: TaskFamily<Task, VectorizableEnv<Task>>,
    private readonly policy: Policy,
  ) {}

  private pool(size: number, task: Task): VectorEnv<Task> {
    let vec = this.pools.get(size);
    if (!vec) {
      vec = new VectorEnv(Array.from({ length: size }, () => this.family.make(task)));
      this.pools.set(size, vec);
    }
    for (let i = 0; i < size; i++) vec.setTask(i, task);
    return vec;
  }

  async sample(requests: readonly SampleRequest<Task>[]): Promise<Episode[][]> {
    const out: Episode[][] = [];
    for (const r of requests) {
      out.push(this.collect(r));
      // yield between tasks so a Ctrl-C or SIGTERM handler runs promptly during long iterations
      await new Promise((resolve) => setImmediate(resolve));
    }
    return out;
  }

  private collect(request: SampleRequest<Task>): Episode[] {
    const { episodes: n, params, task } = request;
    if (!Number.isInteger(n) || n <= 0) {
      throw new RangeError(`sampler: episodes must be a positive integer, got ${n}`);
    }
    const vec = this.pool(n, task);
    const rng = new Rng(request.seed);
    const horizon = this.family.horizon;
    const obsSize = vec.obsSize;
    const actSize = vec.actionSize;
    const obsLog = Array.from({ length: n }, () => new Float32Array(horizon * obsSize));
    const actLog = Array.from({ length: n }, () => new Float32Array(horizon * actSize));
    const rewLog = Array.from({ length: n }, () => new Float32Array(horizon));
    const length = new Int32Array(n);
    const terminated = new Uint8Array(n);
    const done = new Uint8Array(n);
    let obs = vec.reset({ seed: request.seed });
    for (let t = 0; t < horizon && done.some((d) => d === 0); t++) {
      const actions = tf.tidy(() => this.policy.sample(params, this.policy.obsTensor(obs), rng));
      for (let i = 0; i < n; i++) {
        if (done[i]) continue;
        obsLog[i]!.set(obs.subarray(i * obsSize, (i + 1) * obsSize), t * obsSize);
        for (let k = 0; k < actSize; k++) actLog[i]![t * actSize + k] = actions[i * actSize + k]!;
      }
      const out = vec.step(actions);
      for (let i = 0; i < n; i++) {
        if (done[i]) continue;
        rewLog[i]![t] = out.rewards[i]!;
        length[i] = t + 1;
        if (out.terminated[i] || out.truncated[i]) {
          done[i] = 1;
          terminated[i] = out.terminated[i]!;
        }
      }
      obs = out.obs;
    }
    return Array.from({ length: n }, (_, i) => {
      const T = length[i]!;
      return {
        observations: obsLog[i]!.slice(0, T * obsSize),
        actions: actLog[i]!.slice(0, T * actSize),
        rewards: rewLog[i]!.slice(0, T),
        obsDim: obsSize,
        actionSize: actSize,
        terminated: terminated[i] === 1,
      };
    });
  }

  close(): void {
    for (const vec of this.pools.values()) vec.close();
    this.pools.clear();
  }
}
