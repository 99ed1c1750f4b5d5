import { scoped } from '@bomrl/core';
import type { Policy } from '@bomrl/policies';
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { Sampler } from '../sampling/sampler';
import { adaptInRounds } from './adapt-rounds';
import { type AdvantageSettings, buildBatch, type ReturnStats } from './maml-batch';
import type { MetaMethod, MetaStepInput, MetaStepResult, SameBatchSteps } from './method';
import {
  adaptKlCoef,
  lvcStep,
  meanInnerKl,
  type PrompObjectiveSettings,
  type PrompTaskBatches,
  prompTaskObjective,
  type RecordedBatch,
} from './promp-objectives';
import { subSeed } from './sub-seed';

/** Settings of sampled-mode ProMP. */
export interface PrompSampledOptions {
  readonly policy: Policy;
  readonly sampler: Sampler<unknown>;
  readonly alpha: number;
  readonly clipEps: number;
  /** Initial eta (the KL penalty weight). */
  readonly klCoef: number;
  /** Adapt eta toward `klTarget` after each iteration (the authors' optional schedule). */
  readonly adaptiveKl: boolean;
  readonly klTarget: number;
  /** Meta-optimizer steps per sampled batch. */
  readonly gradientSteps: number;
  readonly episodesPerTask: number;
  readonly advantages: AdvantageSettings;
}

const toTensor = (x: Float64Array) => tf.tensor1d(Float32Array.from(x));

/** A batch with the recorded log-probabilities of `params` (the policy that collected it). */
interface OwnedBatch extends RecordedBatch {
  readonly returns: ReturnStats;
  dispose(): void;
}

function recordedBatch(
  policy: Policy,
  params: Tensor1D,
  episodes: Parameters<typeof buildBatch>[1],
  settings: AdvantageSettings,
): OwnedBatch {
  const b = buildBatch(policy, episodes, settings);
  const { observations, actions } = b.batch;
  const advantages = tf.tensor1d(b.batch.advantages ?? new Float32Array(0));
  const logProbs = tf.tidy(() => policy.logProb(params, observations, actions));
  return {
    observations,
    actions,
    advantages,
    logProbs,
    returns: b.returns,
    dispose: () => {
      b.dispose();
      tf.dispose([advantages, logProbs]);
    },
  };
}

interface TaskData extends PrompTaskBatches {
  readonly pre: OwnedBatch;
  readonly post: OwnedBatch;
}

function disposeData(data: readonly TaskData[]): void {
  for (const d of data) {
    d.pre.dispose();
    d.post.dispose();
    d.phiOld.dispose();
  }
}

/**
 * ProMP (Rothfuss et al., ICLR 2019) on rollouts, one inner step. Per task: N episodes with
 * pi_phi_old (advantages: linear feature baseline + GAE, normalized per the config), the LVC
 * inner step theta'_old = phi_old + alpha grad J_LVC, N post-update episodes with pi_theta'_old.
 * The meta-objective, maximized with `gradientSteps` meta-optimizer steps on this one batch, is
 *     mean_tasks [ clipped(theta'(phi); post) - eta * mean KL(pi_phi_old || pi_phi)(pre states) ]
 * with theta'(phi) recomputed by the LVC step from the current phi on the same pre-update batch
 * and the ratios r' = pi_theta'(phi) / pi_theta'_old over the recorded post-update behaviour.
 * The data are constants (no DiCE terms): the LVC Hessian supplies the curvature.
 */
export function createPrompSampledMethod(options: PrompSampledOptions): MetaMethod<unknown> {
  const { policy, sampler, alpha, episodesPerTask: N } = options;
  if (!(alpha > 0)) throw new RangeError(`promp: alpha must be > 0, got ${alpha}`);
  if (!(options.gradientSteps >= 1)) {
    throw new RangeError(`promp: gradientSteps must be >= 1, got ${options.gradientSteps}`);
  }
  // eta lives in the method: with adaptiveKl it changes after every iteration (not checkpointed)
  let klCoef = options.klCoef;

  const settings = (): PrompObjectiveSettings => ({ alpha, clipEps: options.clipEps, klCoef });
  const metaObjectiveGradient = (params: Float64Array, data: readonly TaskData[]) =>
    scoped(() => {
      const s = settings();
      const g = tf.grad((p: Tensor) =>
        tf.div(
          tf.addN(data.map((d) => prompTaskObjective(policy, p as Tensor1D, d, s))),
          data.length,
        ),
      )(toTensor(params));
      return Float64Array.from(g.dataSync());
    });

  const collect = async (phi: Float64Array, tasks: readonly unknown[], seed: number) => {
    const phiTensor = toTensor(phi);
    const pres: OwnedBatch[] = [];
    const thetas: Tensor1D[] = [];
    try {
      const preEpisodes = await sampler.sample(
        tasks.map((task, i) => ({
          task,
          params: phiTensor,
          episodes: N,
          seed: subSeed(seed, i, 0),
        })),
      );
      for (const e of preEpisodes) {
        const pre = recordedBatch(policy, phiTensor, e, options.advantages);
        pres.push(pre);
        thetas.push(lvcStep(policy, phiTensor, pre, alpha));
      }
      const postEpisodes = await sampler.sample(
        tasks.map((task, i) => ({
          task,
          params: thetas[i]!,
          episodes: N,
          seed: subSeed(seed, i, 1),
        })),
      );
      return postEpisodes.map(
        (e, i): TaskData => ({
          pre: pres[i]!,
          post: recordedBatch(policy, thetas[i]!, e, options.advantages),
          phiOld: toTensor(phi),
        }),
      );
    } catch (error) {
      for (const b of pres) b.dispose();
      throw error;
    } finally {
      tf.dispose([phiTensor, ...thetas]);
    }
  };

  return {
    name: 'promp-sampled',

    initialParams(seed: number): Float64Array {
      return scoped(() => Float64Array.from(policy.init(seed).dataSync()));
    },

    async step(input: MetaStepInput<unknown>): Promise<MetaStepResult> {
      const n = input.tasks.length;
      if (n === 0) throw new RangeError('promp: a meta-batch needs at least one task');
      const data = await collect(input.phi, input.tasks, input.seed);
      try {
        const gradient = metaObjectiveGradient(input.phi, data);
        const mean = (f: (d: TaskData) => number) => data.reduce((s, d) => s + f(d), 0) / n;
        const sameBatch: SameBatchSteps = {
          steps: options.gradientSteps,
          gradientAt: (params) => metaObjectiveGradient(params, data),
          finish: (params) => {
            const kl = scoped(() => meanInnerKl(policy, toTensor(params), data).dataSync()[0]!);
            const used = klCoef;
            if (options.adaptiveKl) klCoef = adaptKlCoef(klCoef, kl, options.klTarget);
            return { prompInnerKl: kl, prompKlCoef: used };
          },
          dispose: () => disposeData(data),
        };
        return {
          gradient,
          objective: mean((d) => d.post.returns.discounted),
          preAdaptationReturn: mean((d) => d.pre.returns.discounted),
          diagnostics: {
            postReturnUndiscounted: mean((d) => d.post.returns.undiscounted),
            preReturnUndiscounted: mean((d) => d.pre.returns.undiscounted),
          },
          sameBatch,
        };
      } catch (error) {
        disposeData(data);
        throw error;
      }
    },

    async adaptRounds(
      phi: Float64Array,
      task: unknown,
      rounds: number,
      seed: number,
    ): Promise<Float64Array[]> {
      return adaptInRounds(sampler, task, N, phi, rounds, seed, (params, episodes) => {
        const b = recordedBatch(policy, params, episodes, options.advantages);
        try {
          return scoped(() => Float64Array.from(lvcStep(policy, params, b, alpha).dataSync()));
        } finally {
          b.dispose();
        }
      });
    },

    dispose(): void {
      // the sampler belongs to the run, which closes it
    },
  };
}
