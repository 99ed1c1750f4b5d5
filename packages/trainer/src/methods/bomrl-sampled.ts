import {
  forwardKL,
  l2,
  lowerLevelObjective,
  reverseKL,
  type SolverSpec,
  sampledData,
} from '@bomrl/adaptation';
import { gradient, scoped } from '@bomrl/core';
import {
  DEFAULT_RELATIVE_STATIONARITY_TOL,
  type Episode,
  flattenEpisodes,
  type HypergradientMode,
  implicitHypergradients,
  nonStationaryWarning,
  outerPolicyGradient,
  type PreparedTask,
  prepareTask,
  type SampledBomrlSettings,
  solveLowerLevel,
} from '@bomrl/meta-gradient';
import type { Policy } from '@bomrl/policies';
import type { Scalar, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { Config } from '../config/schema';
import type { Sampler } from '../sampling/sampler';
import { meanKlFisher } from './kl-fisher';
import { episodeReturns } from './maml-batch';
import { subSeed } from './maml-sampled';
import type { MetaMethod, MetaStepInput, MetaStepResult, TrustRegionPieces } from './method';

type BomrlConfig = Extract<Config['method'], { kind: 'bomrl' }>;

/** What sampled-mode BO-MRL needs. The run owns (and closes) the sampler. */
export interface BomrlSampledOptions {
  readonly policy: Policy;
  readonly sampler: Sampler<unknown>;
  /** A resolved config with `method.kind === 'bomrl'` (mode 'sampled'). */
  readonly config: Config;
}

const toTensor = (x: Float64Array) => tf.tensor1d(Float32Array.from(x));

/** The lower-level solver of the config (sampled mode has no closed form). */
function solverOf(method: BomrlConfig): SolverSpec {
  const s = method.solver;
  if (s.kind === 'closed-form') {
    throw new RangeError(
      "method.solver.kind: 'closed-form' exists only in exact mode; use 'adam', 'gradient-ascent' or 'lbfgs' in sampled mode",
    );
  }
  if (s.kind === 'lbfgs') return { kind: 'lbfgs', maxSteps: s.maxSteps, tol: s.tol };
  return { kind: s.kind, lr: s.lr, maxSteps: s.maxSteps, tol: s.tol };
}

/** The settings of one task's lower level and hypergradient from the config. */
export function sampledSettings(config: Config, lambda?: number): SampledBomrlSettings {
  const method = config.method;
  if (method.kind !== 'bomrl') {
    throw new RangeError(`bomrl-sampled: method.kind must be 'bomrl', got '${method.kind}'`);
  }
  if (method.delta !== undefined) {
    throw new RangeError(
      'method.delta: the constrained operator is implemented in exact mode only; use the penalty (lambda) in sampled mode',
    );
  }
  return {
    distance: method.alg,
    lambda: lambda ?? method.lambda,
    gamma: config.env.gamma,
    solver: solverOf(method),
    gaeLambda: config.sampler.gaeLambda,
    adjointSolver: method.adjoint.solver,
    cg: {
      maxIter: method.adjoint.iterations,
      tol: method.adjoint.tolerance,
      damping: method.adjoint.damping,
    },
  };
}

/** One task's data of one meta-iteration (held until the trust-region pieces are disposed). */
interface TaskState {
  readonly prepared: PreparedTask;
  readonly theta: Tensor1D;
  readonly post: readonly Episode[];
  /** log pi_theta'(a|s) of the post-update steps and gamma^t A_t / N, for the IS surrogate. */
  readonly postObs: ReturnType<Policy['obsTensor']>;
  readonly postActions: ReturnType<Policy['actionTensor']>;
  readonly postLogProbs: Tensor1D;
  readonly postWeights: Tensor1D;
}

/**
 * BO-MRL on rollouts (docs/algorithm.md#lower-level, #hypergradient). Per meta-iteration and task: N episodes with
 * pi_phi, a fresh linear feature baseline, theta' = Alg(phi) on that batch (penalized operator,
 * the config's solver), N fresh episodes with pi_theta', the outer policy gradient
 * g = grad J(theta') (REINFORCE with baseline), and the implicit hypergradient
 * grad_phi <grad_theta G(theta', phi), H^{-1} g> in the config's mode ('full': DiCE surrogate,
 * 'ignore-data': the authors' approximation). The meta-gradient is the mean over tasks.
 *
 * `objective` is the mean DISCOUNTED post-update return (the J that F(phi) averages), and
 * `preAdaptationReturn` the mean discounted pre-update return; the undiscounted ones are in the
 * diagnostics. Both hypergradient modes are computed (one extra cross product) so that
 * `modeCosine`, the cosine between them, shows how far the authors' approximation is off.
 */
export function createBomrlSampledMethod(options: BomrlSampledOptions): MetaMethod<unknown> {
  const { policy, sampler, config } = options;
  const settings = sampledSettings(config);
  const method = config.method as BomrlConfig;
  const mode: HypergradientMode = method.hypergradient;
  const N = config.sampler.episodesPerTask;
  const gamma = config.env.gamma;

  const collect = async (params: Tensor1D[], tasks: readonly unknown[], seed: number, k: number) =>
    sampler.sample(
      tasks.map((task, i) => ({
        task,
        params: params[i]!,
        episodes: N,
        seed: subSeed(seed, i, k),
      })),
    );

  return {
    name: `bomrl-sampled/${method.alg}/${mode}`,

    initialParams(seed: number): Float64Array {
      return scoped(() => Float64Array.from(policy.init(seed).dataSync()));
    },

    async step(input: MetaStepInput<unknown>): Promise<MetaStepResult> {
      const n = input.tasks.length;
      if (n === 0) throw new RangeError('bomrl-sampled: a meta-batch needs at least one task');
      const phi = toTensor(input.phi);
      const states: TaskState[] = [];
      // wall-clock seconds per phase (the loop moves *Seconds keys to timings.jsonl)
      const seconds = { sampling: 0, lowerLevel: 0, hypergradient: 0 };
      let clock = performance.now();
      const lap = (phase: keyof typeof seconds) => {
        const now = performance.now();
        seconds[phase] += (now - clock) / 1000;
        clock = now;
      };
      try {
        const pre = await collect(
          input.tasks.map(() => phi),
          input.tasks,
          input.seed,
          0,
        );
        const prepared = pre.map((episodes) =>
          prepareTask(policy, phi, episodes, settings, ['full', 'ignore-data']),
        );
        lap('sampling');
        const startGradNorms = prepared.map((p) => lowerLevelGradNorm(policy, phi, p, settings));
        const solved: ReturnType<typeof solveLowerLevel>[] = [];
        try {
          for (const p of prepared) solved.push(solveLowerLevel(policy, phi, p, settings));
        } catch (error) {
          for (const p of prepared) p.data.dispose();
          for (const s of solved) s.theta.dispose();
          throw error;
        }
        lap('lowerLevel');
        const post = await collect(
          solved.map((s) => s.theta),
          input.tasks,
          input.seed,
          1,
        );
        lap('sampling');
        prepared.forEach((p, i) => {
          states.push(taskState(policy, p, solved[i]!.theta, post[i]!, gamma, config));
        });
        const gradient = new Float64Array(input.phi.length);
        const d = {
          solverSteps: 0,
          maxLowerGradNorm: 0,
          distance: 0,
          adjointProducts: 0,
          modeCosine: 0,
          maxStationarity: 0,
          nonStationaryTasks: 0,
          maxAdjointResidual: 0,
          maxRelGradNorm: 0,
          meanRelGradNorm: 0,
        };
        const warnings: string[] = [];
        states.forEach((s, i) => {
          const g = outerPolicyGradient(policy, s.theta, s.post, gamma, settings.gaeLambda ?? 1);
          try {
            const r = implicitHypergradients(policy, phi, s.theta, g, s.prepared, settings, [
              'full',
              'ignore-data',
            ]);
            const chosen = r.gradients[mode]!;
            for (let j = 0; j < gradient.length; j++) gradient[j]! += chosen[j]! / n;
            d.modeCosine += cosine(r.gradients.full!, r.gradients['ignore-data']!) / n;
            d.adjointProducts += r.adjoint.iterations / n;
            d.maxStationarity = Math.max(d.maxStationarity, r.adjoint.stationarity);
            d.maxAdjointResidual = Math.max(d.maxAdjointResidual, r.adjoint.relativeResidual);
          } finally {
            g.dispose();
          }
          const report = solved[i]!.report;
          d.solverSteps += report.solverSteps / n;
          d.maxLowerGradNorm = Math.max(d.maxLowerGradNorm, report.gradNorm);
          const rel = report.gradNorm / Math.max(startGradNorms[i]!, Number.MIN_VALUE);
          d.maxRelGradNorm = Math.max(d.maxRelGradNorm, rel);
          d.meanRelGradNorm += rel / n;
          const warning = nonStationaryWarning(
            report.gradNorm,
            report.relativeGradNorm,
            DEFAULT_RELATIVE_STATIONARITY_TOL,
          );
          if (warning.length > 0) d.nonStationaryTasks++;
          warnings.push(...warning);
          d.distance += report.distance / n;
        });
        lap('hypergradient');
        const preStats = pre.map((e) => episodeReturns(e, gamma));
        const postStats = post.map((e) => episodeReturns(e, gamma));
        const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / n;
        return {
          gradient,
          objective: mean(postStats.map((r) => r.discounted)),
          preAdaptationReturn: mean(preStats.map((r) => r.discounted)),
          diagnostics: {
            postReturnUndiscounted: mean(postStats.map((r) => r.undiscounted)),
            preReturnUndiscounted: mean(preStats.map((r) => r.undiscounted)),
            meanSolverSteps: d.solverSteps,
            maxLowerGradNorm: d.maxLowerGradNorm,
            meanDistance: d.distance,
            meanAdjointProducts: d.adjointProducts,
            maxStationarity: d.maxStationarity,
            maxAdjointResidual: d.maxAdjointResidual,
            maxLowerRelGradNorm: d.maxRelGradNorm,
            meanLowerRelGradNorm: d.meanRelGradNorm,
            modeCosine: d.modeCosine,
            nonStationaryTasks: d.nonStationaryTasks,
            samplingSeconds: seconds.sampling,
            lowerLevelSeconds: seconds.lowerLevel,
            hypergradientSeconds: seconds.hypergradient,
          },
          warnings,
          trustRegion: sampledTrustRegion(policy, input.phi, states, settings),
        };
      } catch (error) {
        disposeStates(states);
        throw error;
      } finally {
        phi.dispose();
      }
    },

    async adaptRounds(
      phi: Float64Array,
      task: unknown,
      rounds: number,
      seed: number,
    ): Promise<Float64Array[]> {
      const testSettings = sampledSettings(config, method.testLambda ?? method.lambda);
      const out = [Float64Array.from(phi)];
      for (let k = 0; k < rounds; k++) {
        const current = toTensor(out[k]!);
        try {
          const [episodes] = await sampler.sample([
            { task, params: current, episodes: N, seed: subSeed(seed, k, 0x5eed) },
          ]);
          const prepared = prepareTask(policy, current, episodes!, testSettings, ['ignore-data']);
          try {
            const { theta } = solveLowerLevel(policy, current, prepared, testSettings);
            out.push(Float64Array.from(theta.dataSync()));
            theta.dispose();
          } finally {
            prepared.data.dispose();
          }
        } finally {
          current.dispose();
        }
      }
      return out;
    },

    dispose(): void {
      // the sampler belongs to the run, which closes it
    },
  };
}

const DISTANCE_OF = { 'forward-kl': forwardKL, 'reverse-kl': reverseKL, l2 } as const;

/**
 * ||grad_theta G(theta, phi)|| at theta = phi on a task's batch: where the lower-level solver
 * starts, so ||grad G(theta')|| / this is how far toward stationarity it got.
 */
function lowerLevelGradNorm(
  policy: Policy,
  phi: Tensor1D,
  task: PreparedTask,
  settings: SampledBomrlSettings,
): number {
  return scoped(() => {
    const G = lowerLevelObjective(
      { distance: DISTANCE_OF[settings.distance], lambda: settings.lambda },
      sampledData(policy, task.data.batch),
    );
    return tf.norm(gradient((t) => G(t, phi), tf.clone(phi))).dataSync()[0]!;
  });
}

function cosine(a: Float64Array, b: Float64Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! ** 2;
    bb += b[i]! ** 2;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** Packs one task's post-update data for the trust-region surrogate. */
function taskState(
  policy: Policy,
  prepared: PreparedTask,
  theta: Tensor1D,
  post: readonly Episode[],
  gamma: number,
  config: Config,
): TaskState {
  const flat = flattenEpisodes(post, gamma, config.sampler.gaeLambda);
  const { observations: obs, actions: act } = flat;
  const w = new Float32Array(flat.steps);
  for (let i = 0; i < flat.steps; i++)
    w[i] = (gamma ** flat.timeSteps[i]! * flat.advantages[i]!) / post.length;
  const postObs = policy.obsTensor(obs);
  const postActions = policy.actionTensor(act);
  return {
    prepared,
    theta,
    post,
    postObs,
    postActions,
    postLogProbs: tf.tidy(() => policy.logProb(theta, postObs, postActions)),
    postWeights: tf.tensor1d(w),
  };
}

function disposeStates(states: readonly TaskState[]): void {
  for (const s of states) {
    s.prepared.data.dispose();
    tf.dispose([s.theta, s.postObs, s.postActions, s.postLogProbs, s.postWeights]);
  }
}

/**
 * The TRPO meta-step's pieces in sampled mode. Fisher-vector products: the Hessian at x = phi of
 * the mean over tasks of the mean KL(pi_phi || pi_x) over the pre-update observations. A
 * candidate phi~ is judged by re-adapting from it on the SAME pre-update batches (the recorded
 * behaviour log-probabilities stay those of pi_phi) and evaluating the importance-weighted
 * post-update surrogate on the SAME post-update episodes:
 *     improvement = mean_tasks (1/N) sum_episodes sum_t gamma^t (pi_theta~(a_t|s_t) / pi_theta'(a_t|s_t) - 1) A_t,
 * a first-order estimate of J(theta~) - J(theta') (0 at phi~ = phi).
 */
function sampledTrustRegion(
  policy: Policy,
  phiValues: Float64Array,
  states: readonly TaskState[],
  settings: SampledBomrlSettings,
): TrustRegionPieces {
  // a distinct tensor for pi_old: tfjs would otherwise differentiate through both arguments
  const old = toTensor(phiValues);
  const fisher = meanKlFisher(
    policy,
    phiValues,
    states.map((s) => s.prepared.data.batch.observations),
  );
  const meanKl = (x: Tensor1D): Scalar =>
    tf.tidy(
      () =>
        tf.div(
          tf.addN(
            states.map((s) => tf.mean(policy.kl(old, x, s.prepared.data.batch.observations))),
          ),
          states.length,
        ) as Scalar,
    );
  const improvementAt = (candidate: Float64Array): number => {
    const p = toTensor(candidate);
    try {
      let total = 0;
      for (const s of states) {
        const { theta } = solveLowerLevel(policy, p, s.prepared, settings);
        total += tf.tidy(() => {
          const ratio = tf.exp(
            tf.sub(policy.logProb(theta, s.postObs, s.postActions), s.postLogProbs),
          );
          return tf.sum(tf.mul(tf.sub(ratio, 1), s.postWeights)).dataSync()[0]!;
        });
        theta.dispose();
      }
      return total / states.length;
    } finally {
      p.dispose();
    }
  };
  return {
    fisherVector: fisher.fisherVector,
    evaluate: (candidate) => {
      const kl = scoped(() => meanKl(toTensor(candidate)).dataSync()[0]!);
      let improvement: number | undefined;
      // Lazy: re-solving every task's lower level is the expensive part, and the line search
      // reads the improvement only for candidates whose (cheap) KL is within the bound.
      return {
        kl,
        get improvement() {
          improvement ??= improvementAt(candidate);
          return improvement;
        },
      };
    },
    dispose: () => {
      fisher.dispose();
      tf.dispose(old);
      disposeStates(states);
    },
  };
}
