import { Rng, scoped } from '@bomrl/core';
import { type TaskFamily, VectorEnv, type VectorizableEnv } from '@bomrl/envs';
import type { Policy } from '@bomrl/policies';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import type { Episode, SampleRequest, Sampler } from './sampler';

/** One request's envs and logs while a group of requests is being collected. */
interface Slot {
  readonly vec: VectorEnv<unknown>;
  readonly rng: Rng;
  readonly obsLog: Float32Array[];
  readonly actLog: Float32Array[];
  readonly rewLog: Float32Array[];
  readonly length: Int32Array;
  readonly terminated: Uint8Array;
  readonly done: Uint8Array;
  obs: Float32Array;
}

/**
 * Runs vector envs in this thread with batched policy inference. Requests that share the same
 * parameter tensor and episode count (e.g. every task's pre-update episodes under phi) are
 * collected together: at every step ONE `policy.sample` call draws the actions of all their
 * envs, each request's block with its own seeded generator, so the episodes are exactly those
 * of collecting each request alone. Vector envs are cached per size and slot and switched
 * between tasks with `setTask` (creating MuJoCo models is the expensive part).
 */
export class InProcessSampler<Task> implements Sampler<Task> {
  /** Vector envs by size; the k-th request of a group of that size uses the k-th. */
  private readonly pools = new Map<number, VectorEnv<Task>[]>();

  constructor(
    private readonly family: TaskFamily<Task, VectorizableEnv<Task>>,
    private readonly policy: Policy,
  ) {}

  private pool(size: number, slot: number, task: Task): VectorEnv<Task> {
    let list = this.pools.get(size);
    if (!list) {
      list = [];
      this.pools.set(size, list);
    }
    while (list.length <= slot) {
      list.push(new VectorEnv(Array.from({ length: size }, () => this.family.make(task))));
    }
    const vec = list[slot]!;
    for (let i = 0; i < size; i++) vec.setTask(i, task);
    return vec;
  }

  async sample(requests: readonly SampleRequest<Task>[]): Promise<Episode[][]> {
    for (const { episodes: n } of requests) {
      if (!Number.isInteger(n) || n <= 0) {
        throw new RangeError(`sampler: episodes must be a positive integer, got ${n}`);
      }
    }
    const groups = new Map<Tensor1D, Map<number, number[]>>();
    requests.forEach((r, i) => {
      const bySize = groups.get(r.params) ?? new Map<number, number[]>();
      groups.set(r.params, bySize);
      const list = bySize.get(r.episodes) ?? [];
      list.push(i);
      bySize.set(r.episodes, list);
    });
    const out: Episode[][] = new Array(requests.length);
    for (const bySize of groups.values()) {
      for (const indices of bySize.values()) {
        const episodes = this.collect(indices.map((i) => requests[i]!));
        indices.forEach((i, k) => {
          out[i] = episodes[k]!;
        });
        // yield between groups so a Ctrl-C or SIGTERM handler runs promptly during long iterations
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return out;
  }

  /** Collects requests that share `params` and `episodes`, with one inference call per step. */
  private collect(requests: readonly SampleRequest<Task>[]): Episode[][] {
    const { params, episodes: n } = requests[0]!;
    const horizon = this.family.horizon;
    const slots: Slot[] = requests.map((r, k) => {
      const vec = this.pool(n, k, r.task) as VectorEnv<unknown>;
      return {
        vec,
        rng: new Rng(r.seed),
        obsLog: Array.from({ length: n }, () => new Float32Array(horizon * vec.obsSize)),
        actLog: Array.from({ length: n }, () => new Float32Array(horizon * vec.actionSize)),
        rewLog: Array.from({ length: n }, () => new Float32Array(horizon)),
        length: new Int32Array(n),
        terminated: new Uint8Array(n),
        done: new Uint8Array(n),
        obs: vec.reset({ seed: r.seed }),
      };
    });
    const obsSize = slots[0]!.vec.obsSize;
    const actSize = slots[0]!.vec.actionSize;
    const allObs = new Float32Array(slots.length * n * obsSize);
    const rngs = slots.map((s) => s.rng);
    const running = () => slots.some((s) => s.done.some((d) => d === 0));
    for (let t = 0; t < horizon && running(); t++) {
      slots.forEach((s, k) => {
        allObs.set(s.obs, k * n * obsSize);
      });
      // scoped, not tf.tidy: tidy walks a returned typed array element by element
      const actions = scoped(() => this.policy.sample(params, this.policy.obsTensor(allObs), rngs));
      slots.forEach((s, k) => {
        const first = k * n * actSize;
        const mine = actions.subarray(first, first + n * actSize);
        for (let i = 0; i < n; i++) {
          if (s.done[i]) continue;
          s.obsLog[i]!.set(s.obs.subarray(i * obsSize, (i + 1) * obsSize), t * obsSize);
          s.actLog[i]!.set(mine.subarray(i * actSize, (i + 1) * actSize), t * actSize);
        }
        const step = s.vec.step(mine);
        for (let i = 0; i < n; i++) {
          if (s.done[i]) continue;
          s.rewLog[i]![t] = step.rewards[i]!;
          s.length[i] = t + 1;
          if (step.terminated[i] || step.truncated[i]) {
            s.done[i] = 1;
            s.terminated[i] = step.terminated[i]!;
          }
        }
        s.obs = step.obs;
      });
    }
    return slots.map((s) =>
      Array.from({ length: n }, (_, i) => {
        const T = s.length[i]!;
        return {
          observations: s.obsLog[i]!.slice(0, T * obsSize),
          actions: s.actLog[i]!.slice(0, T * actSize),
          rewards: s.rewLog[i]!.slice(0, T),
          obsDim: obsSize,
          actionSize: actSize,
          terminated: s.terminated[i] === 1,
        };
      }),
    );
  }

  close(): void {
    for (const list of this.pools.values()) for (const vec of list) vec.close();
    this.pools.clear();
  }
}
