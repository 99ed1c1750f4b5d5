import type { SolverSpec } from '@bomrl/adaptation';
import { scoped } from '@bomrl/core';
import {
  DEFAULT_RELATIVE_STATIONARITY_TOL,
  type HypergradientMode,
  nonStationaryWarning,
  prepareTask,
  type SampledBomrlSettings,
  solveLowerLevel,
} from '@bomrl/meta-gradient';
import type { Policy } from '@bomrl/policies';
import type { Config } from '../config/schema';
import type { TaskExecutor } from '../executor/executor';
import { InProcessExecutor } from '../executor/in-process-executor';
import type { Sampler } from '../sampling/sampler';
import { adaptInRounds } from './adapt-rounds';
import { bomrlTrustRegion } from './bomrl-trust-region';
import { episodeReturns } from './maml-batch';
import type { MetaMethod, MetaStepInput, MetaStepResult } from './method';

type BomrlConfig = Extract<Config['method'], { kind: 'bomrl' }>;

/** What sampled-mode BO-MRL needs. The run owns (and closes) the sampler. */
export interface BomrlSampledOptions {
  readonly policy: Policy;
  readonly sampler: Sampler<unknown>;
  /** A resolved config with `method.kind === 'bomrl'` (mode 'sampled'). */
  readonly config: Config;
  /** Runs the per-task jobs (default: in this thread with `policy` and `sampler`). */
  readonly executor?: TaskExecutor;
}

/** The lower-level solver of the config (sampled mode has no closed form). */
function solverOf(method: BomrlConfig): SolverSpec {
  const s = method.solver;
  if (s.kind === 'closed-form') {
    throw new RangeError(
      "method.solver.kind: 'closed-form' exists only in exact mode; use 'adam', 'gradient-ascent' or 'lbfgs' in sampled mode",
    );
  }
  if (s.kind === 'lbfgs') return { kind: 'lbfgs', maxSteps: s.maxSteps, tol: s.tol };
  if (s.kind === 'newton-cg') {
    return {
      kind: 'newton-cg',
      maxSteps: s.maxSteps,
      tol: s.tol,
      ...(s.cgIterations === undefined ? {} : { cgIterations: s.cgIterations }),
      ...(s.radius === undefined ? {} : { radius: s.radius }),
    };
  }
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
    // only when set, so the job payloads of default runs stay as they were
    ...(method.surrogate === 'plain' ? {} : { ratio: method.surrogate }),
    ...(config.sampler.normalizeAdvantages ? { normalizeAdvantages: true } : {}),
    adjointSolver: method.adjoint.solver,
    cg: {
      maxIter: method.adjoint.iterations,
      tol: method.adjoint.tolerance,
      damping: method.adjoint.damping,
    },
  };
}

/**
 * BO-MRL on rollouts (docs/algorithm.md#lower-level, #hypergradient). Per meta-iteration and
 * task, one executor job ({@link runBomrlTask}): N episodes with pi_phi, a fresh linear feature
 * baseline, theta' = Alg(phi) on that batch (penalized operator, the config's solver), N fresh
 * episodes with pi_theta', the outer policy gradient g = grad J(theta') (REINFORCE with
 * baseline), and the implicit hypergradient grad_phi <grad_theta G(theta', phi), H^{-1} g> in
 * the config's mode ('full': DiCE surrogate, 'ignore-data': the authors' approximation). The
 * meta-gradient is the mean over tasks, summed in task order whatever ran the jobs.
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
  const executor = options.executor ?? new InProcessExecutor({ policy, sampler });

  return {
    name: `bomrl-sampled/${method.alg}/${mode}`,

    initialParams(seed: number): Float64Array {
      return scoped(() => Float64Array.from(policy.init(seed).dataSync()));
    },

    async step(input: MetaStepInput<unknown>): Promise<MetaStepResult> {
      const n = input.tasks.length;
      if (n === 0) throw new RangeError('bomrl-sampled: a meta-batch needs at least one task');
      const started = performance.now();
      let done = 0;
      const tasks = await executor.run(
        'bomrl-task',
        { phi: input.phi, seed: input.seed, settings, episodesPerTask: N },
        input.tasks.map((task, index) => ({ task, index })),
        () => input.onWork?.({ phase: 'tasks', done: ++done, total: n }),
      );
      const tasksSeconds = (performance.now() - started) / 1000;
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
        sampling: 0,
        lowerLevel: 0,
        hypergradient: 0,
      };
      const warnings: string[] = [];
      for (const t of tasks) {
        const chosen = t.gradients[mode];
        for (let j = 0; j < gradient.length; j++) gradient[j]! += chosen[j]! / n;
        d.modeCosine += cosine(t.gradients.full, t.gradients['ignore-data']) / n;
        d.adjointProducts += t.adjoint.iterations / n;
        d.maxStationarity = Math.max(d.maxStationarity, t.adjoint.stationarity);
        d.maxAdjointResidual = Math.max(d.maxAdjointResidual, t.adjoint.relativeResidual);
        const low = t.lowerLevel;
        d.solverSteps += low.solverSteps / n;
        d.maxLowerGradNorm = Math.max(d.maxLowerGradNorm, low.gradNorm);
        d.maxRelGradNorm = Math.max(d.maxRelGradNorm, low.relativeGradNorm);
        d.meanRelGradNorm += low.relativeGradNorm / n;
        d.distance += low.distance / n;
        const warning = nonStationaryWarning(
          low.gradNorm,
          low.relativeGradNorm,
          DEFAULT_RELATIVE_STATIONARITY_TOL,
        );
        if (warning.length > 0) d.nonStationaryTasks++;
        warnings.push(...warning);
        d.sampling += t.seconds.sampling;
        d.lowerLevel += t.seconds.lowerLevel;
        d.hypergradient += t.seconds.hypergradient;
      }
      const preStats = tasks.map((t) => episodeReturns(t.pre, gamma));
      const postStats = tasks.map((t) => episodeReturns(t.post, gamma));
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
          // per-phase seconds are summed over tasks (CPU-seconds when jobs run in parallel);
          // tasksSeconds is the wall-clock time of all the tasks' jobs
          samplingSeconds: d.sampling,
          lowerLevelSeconds: d.lowerLevel,
          hypergradientSeconds: d.hypergradient,
          tasksSeconds,
        },
        warnings,
        trustRegion: bomrlTrustRegion(
          policy,
          executor,
          input.phi,
          tasks,
          settings,
          method.lineSearch,
          gradient,
          input.onWork,
        ),
      };
    },

    async adaptRounds(
      phi: Float64Array,
      task: unknown,
      rounds: number,
      seed: number,
    ): Promise<Float64Array[]> {
      const testSettings = sampledSettings(config, method.testLambda ?? method.lambda);
      return adaptInRounds(sampler, task, N, phi, rounds, seed, (current, episodes) => {
        const prepared = prepareTask(policy, current, episodes, testSettings, ['ignore-data']);
        try {
          const { theta } = solveLowerLevel(policy, current, prepared, testSettings);
          const values = Float64Array.from(theta.dataSync());
          theta.dispose();
          return values;
        } finally {
          prepared.data.dispose();
        }
      });
    },

    dispose(): void {
      // the run owns the sampler and the executor
    },
  };
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
