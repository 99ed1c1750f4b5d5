import { randomUUID } from 'node:crypto';
import { scoped } from '@bomrl/core';
import type { Episode } from '@bomrl/meta-gradient';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { JobContext, TaskExecutor } from '../executor/executor';
import { shardedKlFisher } from './kl-fisher';
import { concatSteps } from './maml-batch';
import {
  disposeTaskData,
  type MamlInnerSettings,
  type MamlTaskOutput,
  mamlObjectives,
  taskData,
} from './maml-task';
import type { IterationWork, TrustRegionPieces } from './method';

/** What every job of one candidate evaluation of MAML-TRPO's line search shares. */
export interface MamlCandidateShared {
  /** The trust-region step's id: a worker keeps each task's tensors for the step's jobs. */
  readonly call: string;
  readonly phi: Float64Array;
  /** The parameter vectors to evaluate each task at. */
  readonly points: readonly Float64Array[];
  /**
   * 'kl': the task's mean KL(pi_phi || pi_point) over its pre-update observations;
   * 'surrogate': its post-update importance-ratio surrogate after the inner step(s) from point.
   */
  readonly quantity: 'kl' | 'surrogate';
  readonly settings: MamlInnerSettings;
}

/** One task's recorded data of the iteration (from its {@link MamlTaskOutput}). */
export interface MamlCandidateInput {
  /** Position in the meta-batch (the cache key within the call). */
  readonly index: number;
  readonly episodes: Episode[][];
  readonly advantages: Float32Array[];
}

const toTensor = (x: Float64Array) => tf.tensor1d(Float32Array.from(x));

/**
 * One task's KL or surrogate at each point (see {@link MamlCandidateShared}), on the SAME data
 * the iteration sampled: the task's tensors are rebuilt from its episodes ({@link taskData},
 * deterministic) on the first job of a call on this worker and reused by its later ones.
 */
export function mamlCandidateValues(
  ctx: JobContext,
  shared: MamlCandidateShared,
  input: MamlCandidateInput,
): number[] {
  const { policy } = ctx;
  const { settings } = shared;
  const { data, old } = ctx.cache.get(
    shared.call,
    `maml-data:${input.index}`,
    () => ({
      data: taskData(policy, shared.phi, input.episodes, input.advantages, settings),
      // a distinct tensor for pi_old: tfjs would otherwise differentiate through both arguments
      old: toTensor(shared.phi),
    }),
    (e) => {
      disposeTaskData([e.data]);
      e.old.dispose();
    },
  );
  const { adapt, outer } = mamlObjectives(policy, settings.alpha);
  return shared.points.map((point) =>
    scoped(() => {
      const x = toTensor(point);
      const value =
        shared.quantity === 'kl'
          ? tf.mean(policy.kl(old, x, data.inner[0]!.batch.observations))
          : outer(adapt(x as Tensor1D, data.inner), data);
      return value.dataSync()[0]!;
    }),
  );
}

/**
 * MAML-TRPO's trust-region pieces, every per-task part on the executor (the coordinator only
 * sums in task order, so any worker count gives the same floats): Fisher-vector products of the
 * mean over tasks of the mean KL(pi_phi || pi_x) on the pre-update observations
 * ({@link shardedKlFisher}); for a candidate, that KL, and, lazily (only within the bound), the
 * improvement of the mean post-update surrogate when every task re-runs its inner step(s) from
 * the candidate on its same pre-update data ({@link mamlCandidateValues}).
 */
export function mamlTrustRegion(
  executor: TaskExecutor,
  phi: Float64Array,
  tasks: readonly MamlTaskOutput[],
  settings: MamlInnerSettings,
  onWork?: (work: IterationWork) => void,
): TrustRegionPieces {
  const call = randomUUID();
  const n = tasks.length;
  const inputs = tasks.map((t, index) => ({
    index,
    episodes: t.episodes,
    advantages: t.advantages,
  }));
  const means = async (
    quantity: MamlCandidateShared['quantity'],
    points: Float64Array[],
  ): Promise<number[]> => {
    let done = 0;
    const per = await executor.run(
      'maml-candidate',
      { call, phi, points, quantity, settings },
      inputs,
      quantity === 'surrogate'
        ? () => onWork?.({ phase: 'line search', done: ++done, total: n })
        : undefined,
    );
    return points.map((_, k) => per.reduce((s, values) => s + values[k]!, 0) / n);
  };
  let base: number | undefined;
  const improvementAt = async (candidate: Float64Array): Promise<number> => {
    if (base === undefined) {
      // the first judged candidate also evaluates the surrogate at phi, in the same jobs
      const [atPhi, atCandidate] = await means('surrogate', [phi, candidate]);
      base = atPhi!;
      return atCandidate! - base;
    }
    const [atCandidate] = await means('surrogate', [candidate]);
    return atCandidate! - base;
  };
  return {
    fisherVector: shardedKlFisher(
      executor,
      call,
      phi,
      tasks.map((t) => concatSteps(t.episodes[0]!).obs),
    ),
    evaluate: (candidate) => {
      let improvement: Promise<number> | undefined;
      return {
        kl: means('kl', [candidate]).then(([kl]) => kl!),
        get improvement() {
          improvement ??= improvementAt(candidate);
          return improvement;
        },
      };
    },
    // the jobs' tensors live in the executor's cache: in this thread freed now, on workers by
    // the next call's first job
    dispose: () => executor.releaseCache?.(),
  };
}
