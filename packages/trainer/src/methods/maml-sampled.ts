import { policyGradientStep } from '@bomrl/adaptation';
import { scoped } from '@bomrl/core';
import type { Policy } from '@bomrl/policies';
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { Sampler } from '../sampling/sampler';
import { meanKlFisher } from './kl-fisher';
import { type AdvantageSettings, buildBatch, type TensorBatch } from './maml-batch';
import type { MamlSettings } from './maml-exact';
import type { MetaMethod, MetaStepInput, MetaStepResult, TrustRegionPieces } from './method';

/** Settings of sampled-mode MAML. */
export interface MamlSampledOptions extends MamlSettings {
  readonly policy: Policy;
  readonly sampler: Sampler<unknown>;
  /** Episodes per task for every inner step and for the post-update data. */
  readonly episodesPerTask: number;
  readonly advantages: AdvantageSettings;
  /** Seeds `policy.init` for the initial meta-parameters. */
  readonly initSeed?: number;
}

/** Deterministic 31-bit sub-seed of (seed, a, b): different streams never collide in practice. */
export function subSeed(seed: number, a: number, b: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const x of [a, b]) {
    h = Math.imul(h ^ (x >>> 0), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h & 0x7fffffff;
}

/** One task's data of one meta-step: the inner batches (one per inner step) and the post batch. */
export interface TaskData {
  readonly inner: readonly TensorBatch[];
  readonly post: TensorBatch;
  /** log pi_theta(a|s) of the post-update data at collection time (ratio denominators). */
  readonly postLogProbs: Tensor1D;
}

const toTensor = (x: Float64Array) => tf.tensor1d(Float32Array.from(x));

/**
 * Standard MAML (Finn et al. 2017; pytorch-maml-rl) on rollouts. Per task: N episodes with
 * pi_phi, advantages (linear feature baseline + GAE), inner step theta = phi + alpha grad L_PG
 * with L_PG = mean_i log pi(a_i|s_i) A_i (k steps, each on fresh episodes of the current inner
 * policy), then N post-update episodes with pi_theta. The outer objective is the post-update
 * importance-ratio surrogate mean_i pi_theta(phi)(a_i|s_i) / pi_theta_old(a_i|s_i) A_i, whose
 * gradient at phi equals the post-update policy gradient pushed through d theta / d phi.
 *
 * Second order differentiates through the inner step(s) (Hessian-vector products of L_PG);
 * first order drops the inner Jacobian. Like pytorch-maml-rl, the data are constants: the
 * pre-update sampling distribution's dependence on phi (what ProMP / DiCE add) is NOT included.
 */
export function createMamlSampledMethod(options: MamlSampledOptions): MetaMethod<unknown> {
  const { policy, sampler, alpha, innerSteps, order, episodesPerTask: N } = options;
  if (!(alpha > 0)) throw new RangeError(`maml: alpha must be > 0, got ${alpha}`);

  /** theta_k(p) by the inner steps on fixed batches; differentiable in p. */
  const adapt = (p: Tensor1D, inner: readonly TensorBatch[]): Tensor1D => {
    let theta = p;
    for (const b of inner) theta = policyGradientStep(theta, b.data, alpha);
    return theta;
  };
  /** The post-update importance-ratio surrogate at theta. */
  const outer = (theta: Tensor1D, d: TaskData): Scalar =>
    tf.tidy(() => {
      const { observations, actions, advantages } = d.post.batch;
      const logp = policy.logProb(theta, observations, actions);
      const ratio = tf.exp(tf.sub(logp, d.postLogProbs));
      return tf.mean(tf.mul(ratio, tf.tensor1d(advantages ?? new Float32Array(0)))) as Scalar;
    });
  const metaSurrogate = (p: Tensor1D, data: readonly TaskData[]): Scalar =>
    tf.tidy(
      () => tf.div(tf.addN(data.map((d) => outer(adapt(p, d.inner), d))), data.length) as Scalar,
    );

  /** Collects every task's inner batches and post batch (all sampling happens here). */
  const collect = async (
    phi: Float64Array,
    tasks: readonly unknown[],
    seed: number,
  ): Promise<TaskData[]> => {
    const inner: TensorBatch[][] = tasks.map(() => []);
    const thetas: Tensor1D[] = tasks.map(() => toTensor(phi));
    try {
      for (let k = 0; k <= innerSteps; k++) {
        const episodes = await sampler.sample(
          tasks.map((task, i) => ({
            task,
            params: thetas[i]!,
            episodes: N,
            seed: subSeed(seed, i, k),
          })),
        );
        if (k === innerSteps) {
          return tasks.map((_, i) => {
            const post = buildBatch(policy, episodes[i]!, options.advantages);
            const postLogProbs = tf.tidy(() =>
              policy.logProb(thetas[i]!, post.batch.observations, post.batch.actions),
            );
            return { inner: inner[i]!, post, postLogProbs };
          });
        }
        tasks.forEach((_, i) => {
          const b = buildBatch(policy, episodes[i]!, options.advantages);
          inner[i]!.push(b);
          const next = policyGradientStep(thetas[i]!, b.data, alpha);
          thetas[i]!.dispose();
          thetas[i] = next;
        });
      }
      throw new Error('unreachable');
    } catch (error) {
      for (const list of inner) for (const b of list) b.dispose();
      throw error;
    } finally {
      tf.dispose(thetas);
    }
  };
  const disposeData = (data: readonly TaskData[]) => {
    for (const d of data) {
      for (const b of d.inner) b.dispose();
      d.post.dispose();
      d.postLogProbs.dispose();
    }
  };

  return {
    name: `maml-sampled/${order}-order`,

    initialParams(seed: number): Float64Array {
      return scoped(() => Float64Array.from(policy.init(options.initSeed ?? seed).dataSync()));
    },

    async step(input: MetaStepInput<unknown>): Promise<MetaStepResult> {
      if (input.tasks.length === 0)
        throw new RangeError('maml: a meta-batch needs at least one task');
      const data = await collect(input.phi, input.tasks, input.seed);
      try {
        const n = data.length;
        const gradient = scoped(() => {
          const phi = toTensor(input.phi);
          if (order === 'second') {
            return Float64Array.from(
              tf
                .grad((p: Tensor) => metaSurrogate(p as Tensor1D, data))(phi)
                .dataSync(),
            );
          }
          const g = new Float64Array(input.phi.length);
          for (const d of data) {
            const theta = adapt(phi, d.inner);
            const gt = tf
              .grad((t: Tensor) => outer(t as Tensor1D, d))(theta)
              .dataSync();
            for (let i = 0; i < g.length; i++) g[i]! += gt[i]! / n;
          }
          return g;
        });
        const mean = (f: (d: TaskData) => number) => data.reduce((s, d) => s + f(d), 0) / n;
        const result: MetaStepResult = {
          gradient,
          objective: mean((d) => d.post.returns.discounted),
          preAdaptationReturn: mean((d) => d.inner[0]!.returns.discounted),
          diagnostics: {
            postReturnUndiscounted: mean((d) => d.post.returns.undiscounted),
            preReturnUndiscounted: mean((d) => d.inner[0]!.returns.undiscounted),
          },
          trustRegion: sampledTrustRegion(input.phi, data, policy, metaSurrogate, disposeData),
        };
        return result;
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
      const out = [Float64Array.from(phi)];
      for (let k = 0; k < rounds; k++) {
        const params = toTensor(out[k]!);
        try {
          const [episodes] = await sampler.sample([
            { task, params, episodes: N, seed: subSeed(seed, k, 0x5eed) },
          ]);
          const b = buildBatch(policy, episodes!, options.advantages);
          try {
            out.push(
              scoped(() => Float64Array.from(policyGradientStep(params, b.data, alpha).dataSync())),
            );
          } finally {
            b.dispose();
          }
        } finally {
          params.dispose();
        }
      }
      return out;
    },

    dispose(): void {
      // the sampler belongs to whoever created it (the run), which closes it
    },
  };
}

/**
 * MAML-TRPO's pieces: Fisher-vector products of the mean KL(pi_phi || pi_x) over the pre-update
 * observations at x = phi ({@link meanKlFisher}), and for a candidate the same KL plus the surrogate improvement, where
 * the surrogate re-runs the inner step(s) from the candidate on the same pre-update data and
 * evaluates the post-update importance-ratio objective on the same post-update data.
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
