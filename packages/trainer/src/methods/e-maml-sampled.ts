import { policyGradientStep } from '@bomrl/adaptation';
import { scoped } from '@bomrl/core';
import type { Policy } from '@bomrl/policies';
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { Sampler } from '../sampling/sampler';
import { adaptInRounds } from './adapt-rounds';
import { explorationCoefficients, explorationTerm } from './e-maml-objectives';
import { type AdvantageSettings, buildBatch, type TensorBatch } from './maml-batch';
import { sampledTrustRegion, subSeed, type TaskData } from './maml-sampled';
import type { MetaMethod, MetaStepInput, MetaStepResult } from './method';

/** Settings of sampled-mode E-MAML. */
export interface EmamlSampledOptions {
  readonly policy: Policy;
  readonly sampler: Sampler<unknown>;
  /** Inner REINFORCE step size. */
  readonly alpha: number;
  readonly episodesPerTask: number;
  readonly advantages: AdvantageSettings;
}

/** MAML's per-task data plus the task's exploration coefficient c_tau. */
interface EmamlTaskData extends TaskData {
  readonly exploration: number;
}

const toTensor = (x: Float64Array) => tf.tensor1d(Float32Array.from(x));

function disposeData(data: readonly EmamlTaskData[]): void {
  for (const d of data) {
    for (const b of d.inner) b.dispose();
    d.post.dispose();
    d.postLogProbs.dispose();
  }
}

/**
 * E-MAML-TRPO on rollouts, one inner step. Per task: N episodes with pi_phi, advantages (linear
 * feature baseline + GAE), the REINFORCE step theta' = phi + alpha grad mean(log pi A) (MAML's
 * inner step), N post-update episodes with pi_theta'. The per-task objective (maximized) is
 * MAML-TRPO's post-update importance-ratio surrogate mean(r' A') plus the exploration term
 * c_tau * mean_{pre steps} log pi_phi(a|s) (see `e-maml-objectives.ts`), differentiated through
 * the inner step (second order). The meta-step is TRPO's (meta.optimizer 'trpo'): the line
 * search judges candidates by the same objective, exploration term included, and the trust
 * region is MAML-TRPO's mean KL(pi_phi || pi_phi~) on the pre-update states.
 */
export function createEmamlSampledMethod(options: EmamlSampledOptions): MetaMethod<unknown> {
  const { policy, sampler, alpha, episodesPerTask: N } = options;
  if (!(alpha > 0)) throw new RangeError(`e-maml: alpha must be > 0, got ${alpha}`);

  const taskObjective = (p: Tensor1D, d: EmamlTaskData): Scalar =>
    tf.tidy(() => {
      const pre = d.inner[0]!;
      const theta = policyGradientStep(p, pre.data, alpha);
      const { observations, actions, advantages } = d.post.batch;
      const ratio = tf.exp(tf.sub(policy.logProb(theta, observations, actions), d.postLogProbs));
      const outer = tf.mean(tf.mul(ratio, tf.tensor1d(advantages ?? new Float32Array(0))));
      const explore = explorationTerm(
        policy,
        p,
        pre.batch.observations,
        pre.batch.actions,
        d.exploration,
      );
      return tf.add(outer, explore) as Scalar;
    });
  const metaSurrogate = (p: Tensor1D, data: readonly EmamlTaskData[]): Scalar =>
    tf.tidy(() => tf.div(tf.addN(data.map((d) => taskObjective(p, d))), data.length) as Scalar);

  const collect = async (
    phi: Float64Array,
    tasks: readonly unknown[],
    seed: number,
  ): Promise<EmamlTaskData[]> => {
    const phiTensor = toTensor(phi);
    const pres: TensorBatch[] = [];
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
        const b = buildBatch(policy, e, options.advantages);
        pres.push(b);
        thetas.push(policyGradientStep(phiTensor, b.data, alpha));
      }
      const postEpisodes = await sampler.sample(
        tasks.map((task, i) => ({
          task,
          params: thetas[i]!,
          episodes: N,
          seed: subSeed(seed, i, 1),
        })),
      );
      const coefficients = explorationCoefficients(postEpisodes);
      return postEpisodes.map((e, i) => {
        const post = buildBatch(policy, e, options.advantages);
        const postLogProbs = tf.tidy(() =>
          policy.logProb(thetas[i]!, post.batch.observations, post.batch.actions),
        );
        return { inner: [pres[i]!], post, postLogProbs, exploration: coefficients[i]! };
      });
    } catch (error) {
      for (const b of pres) b.dispose();
      throw error;
    } finally {
      tf.dispose([phiTensor, ...thetas]);
    }
  };

  return {
    name: 'e-maml-sampled',

    initialParams(seed: number): Float64Array {
      return scoped(() => Float64Array.from(policy.init(seed).dataSync()));
    },

    async step(input: MetaStepInput<unknown>): Promise<MetaStepResult> {
      const n = input.tasks.length;
      if (n === 0) throw new RangeError('e-maml: a meta-batch needs at least one task');
      const data = await collect(input.phi, input.tasks, input.seed);
      try {
        const gradient = scoped(() =>
          Float64Array.from(
            tf
              .grad((p: Tensor) => metaSurrogate(p as Tensor1D, data))(toTensor(input.phi))
              .dataSync(),
          ),
        );
        const mean = (f: (d: EmamlTaskData) => number) => data.reduce((s, d) => s + f(d), 0) / n;
        return {
          gradient,
          objective: mean((d) => d.post.returns.discounted),
          preAdaptationReturn: mean((d) => d.inner[0]!.returns.discounted),
          diagnostics: {
            postReturnUndiscounted: mean((d) => d.post.returns.undiscounted),
            preReturnUndiscounted: mean((d) => d.inner[0]!.returns.undiscounted),
            meanAbsExplorationCoefficient: mean((d) => Math.abs(d.exploration)),
          },
          trustRegion: sampledTrustRegion(input.phi, data, policy, metaSurrogate, disposeData),
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
        const b = buildBatch(policy, episodes, options.advantages);
        try {
          return scoped(() =>
            Float64Array.from(policyGradientStep(params, b.data, alpha).dataSync()),
          );
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
