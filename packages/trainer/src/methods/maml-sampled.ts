import { policyGradientStep } from '@bomrl/adaptation';
import { scoped } from '@bomrl/core';
import type { Policy } from '@bomrl/policies';
import type { Scalar, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { TaskExecutor } from '../executor/executor';
import { InProcessExecutor } from '../executor/in-process-executor';
import type { Sampler } from '../sampling/sampler';
import { adaptInRounds } from './adapt-rounds';
import { meanKlFisher } from './kl-fisher';
import { type AdvantageSettings, buildBatch, episodeReturns } from './maml-batch';
import type { MamlSettings } from './maml-exact';
import type { MamlInnerSettings, TaskData } from './maml-task';
import { mamlTrustRegion } from './maml-trust-region';
import type { MetaMethod, MetaStepInput, MetaStepResult, TrustRegionPieces } from './method';

export type { TaskData } from './maml-task';
export { subSeed } from './sub-seed';

/** Settings of sampled-mode MAML. */
export interface MamlSampledOptions extends MamlSettings {
  readonly policy: Policy;
  readonly sampler: Sampler<unknown>;
  /** Episodes per task for every inner step and for the post-update data. */
  readonly episodesPerTask: number;
  readonly advantages: AdvantageSettings;
  /** Seeds `policy.init` for the initial meta-parameters. */
  readonly initSeed?: number;
  /** Runs the per-task jobs (default: in this thread with `policy` and `sampler`). */
  readonly executor?: TaskExecutor;
}

const toTensor = (x: Float64Array) => tf.tensor1d(Float32Array.from(x));

/**
 * Standard MAML (Finn et al. 2017; pytorch-maml-rl) on rollouts. Per task, one executor job
 * ({@link runMamlTask}): N episodes with pi_phi, advantages (linear feature baseline + GAE),
 * inner step theta = phi + alpha grad L_PG with L_PG = mean_i log pi(a_i|s_i) A_i (k steps, each
 * on fresh episodes of the current inner policy), then N post-update episodes with pi_theta, and
 * the task's gradient of the post-update importance-ratio surrogate
 * mean_i pi_theta(phi)(a_i|s_i) / pi_theta_old(a_i|s_i) A_i, whose gradient at phi equals the
 * post-update policy gradient pushed through d theta / d phi. The meta-gradient is the mean of
 * the tasks' gradients in task order.
 *
 * Second order differentiates through the inner step(s) (Hessian-vector products of L_PG);
 * first order drops the inner Jacobian. Like pytorch-maml-rl, the data are constants: the
 * pre-update sampling distribution's dependence on phi (what ProMP / DiCE add) is NOT included.
 */
export function createMamlSampledMethod(options: MamlSampledOptions): MetaMethod<unknown> {
  const { policy, sampler, alpha, innerSteps, order, episodesPerTask: N } = options;
  if (!(alpha > 0)) throw new RangeError(`maml: alpha must be > 0, got ${alpha}`);
  const executor = options.executor ?? new InProcessExecutor({ policy, sampler });
  const settings: MamlInnerSettings = {
    alpha,
    innerSteps,
    order,
    episodesPerTask: N,
    advantages: options.advantages,
  };

  return {
    name: `maml-sampled/${order}-order`,

    initialParams(seed: number): Float64Array {
      return scoped(() => Float64Array.from(policy.init(options.initSeed ?? seed).dataSync()));
    },

    async step(input: MetaStepInput<unknown>): Promise<MetaStepResult> {
      const n = input.tasks.length;
      if (n === 0) throw new RangeError('maml: a meta-batch needs at least one task');
      const started = performance.now();
      let done = 0;
      const tasks = await executor.run(
        'maml-task',
        { phi: input.phi, seed: input.seed, settings },
        input.tasks.map((task, index) => ({ task, index })),
        () => input.onWork?.({ phase: 'tasks', done: ++done, total: n }),
      );
      const tasksSeconds = (performance.now() - started) / 1000;
      const gradient = new Float64Array(input.phi.length);
      let sampling = 0;
      let gradientSeconds = 0;
      for (const t of tasks) {
        for (let j = 0; j < gradient.length; j++) gradient[j]! += t.gradient[j]! / n;
        sampling += t.seconds.sampling;
        gradientSeconds += t.seconds.gradient;
      }
      const gamma = options.advantages.gamma;
      const pre = tasks.map((t) => episodeReturns(t.episodes[0]!, gamma));
      const post = tasks.map((t) => episodeReturns(t.episodes[t.episodes.length - 1]!, gamma));
      const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / n;
      return {
        gradient,
        objective: mean(post.map((r) => r.discounted)),
        preAdaptationReturn: mean(pre.map((r) => r.discounted)),
        diagnostics: {
          postReturnUndiscounted: mean(post.map((r) => r.undiscounted)),
          preReturnUndiscounted: mean(pre.map((r) => r.undiscounted)),
          // summed over tasks (CPU-seconds when jobs run in parallel); tasksSeconds is wall-clock
          samplingSeconds: sampling,
          gradientSeconds,
          tasksSeconds,
        },
        trustRegion: mamlTrustRegion(executor, input.phi, tasks, settings, input.onWork),
      };
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
      // the run owns the sampler and the executor
    },
  };
}

/**
 * Trust-region pieces computed in this thread from tasks' data (E-MAML-TRPO, which samples but
 * runs no per-task jobs; MAML-TRPO's run on the executor, see `maml-trust-region.ts`):
 * Fisher-vector products of the mean KL(pi_phi || pi_x) over the pre-update observations at
 * x = phi ({@link meanKlFisher}), and for a candidate the same KL plus the surrogate improvement,
 * where the surrogate re-runs the inner step(s) from the candidate on the same pre-update data
 * and evaluates the post-update objective on the same post-update data.
 */
export function sampledTrustRegion<D extends TaskData>(
  phiValues: Float64Array,
  data: readonly D[],
  policy: Policy,
  metaSurrogate: (p: Tensor1D, data: readonly D[]) => Scalar,
  disposeData: (data: readonly D[]) => void,
): TrustRegionPieces {
  // A distinct tensor for pi_old: tfjs would otherwise differentiate through both arguments.
  const old = toTensor(phiValues);
  const meanKl = (x: Tensor1D): Scalar =>
    tf.tidy(
      () =>
        tf.div(
          tf.addN(data.map((d) => tf.mean(policy.kl(old, x, d.inner[0]!.batch.observations)))),
          data.length,
        ) as Scalar,
    );
  const fisher = meanKlFisher(
    policy,
    phiValues,
    data.map((d) => d.inner[0]!.batch.observations),
  );
  let base: number | undefined;
  const surrogateAt = (x: Float64Array) =>
    scoped(() => metaSurrogate(toTensor(x), data).dataSync()[0]!);
  return {
    fisherVector: fisher.fisherVector,
    evaluate: (candidate) => {
      base ??= surrogateAt(phiValues);
      return {
        kl: scoped(() => meanKl(toTensor(candidate)).dataSync()[0]!),
        improvement: surrogateAt(candidate) - base,
      };
    },
    dispose: () => {
      fisher.dispose();
      tf.dispose(old);
      disposeData(data);
    },
  };
}
