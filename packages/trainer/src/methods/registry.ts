import type { Policy } from '@bomrl/policies';
import { ConfigError } from '../config/load';
import type { Config } from '../config/schema';
import type { TaskExecutor } from '../executor/executor';
import type { Sampler } from '../sampling/sampler';
import type { TaskSetup } from '../setup/family';
import { createBomrlExactMethod } from './bomrl-exact';
import { createBomrlSampledMethod } from './bomrl-sampled';
import { createEmamlSampledMethod } from './e-maml-sampled';
import { createMamlExactMethod } from './maml-exact';
import { createMamlSampledMethod } from './maml-sampled';
import type { MetaMethod } from './method';
import { createPrompSampledMethod } from './promp-sampled';

/** Everything a method factory may use. The run owns (and closes) the sampler. */
export interface MethodContext {
  readonly config: Config;
  readonly setup: TaskSetup;
  readonly policy: Policy;
  readonly sampler: Sampler<unknown>;
  /** Runs per-task jobs (default: in this thread with `policy` and `sampler`). */
  readonly executor?: TaskExecutor;
}

type MethodFactory = (ctx: MethodContext) => MetaMethod<unknown>;

/** Exact mode needs a known tabular model and the tabular softmax policy; says which field is wrong. */
function exactPieces(ctx: MethodContext) {
  const { setup, config } = ctx;
  if (!setup.model) {
    throw new ConfigError([
      `mode: 'exact' needs a known tabular model; env.family '${config.env.family}' has none (use mode: 'sampled')`,
    ]);
  }
  if (config.policy.kind !== 'tabular-softmax') {
    throw new ConfigError([
      `policy.kind: mode 'exact' needs 'tabular-softmax', got '${config.policy.kind}'`,
    ]);
  }
  return {
    model: setup.model,
    nStates: setup.obs.size,
    nActions: setup.action.size,
    initLogit: config.policy.initLogit,
  };
}

/** How every sampled method turns episodes into advantages (config.sampler, env gamma). */
function advantageSettings(ctx: MethodContext) {
  return {
    gamma: ctx.setup.gamma,
    gaeLambda: ctx.config.sampler.gaeLambda,
    normalize: ctx.config.sampler.normalizeAdvantages,
  };
}

/**
 * The methods, keyed `<method.kind>/<mode>`. Adding one is one line here (plus its factory).
 */
const FACTORIES: Record<string, MethodFactory> = {
  'maml/exact': (ctx) => {
    const m = ctx.config.method as Extract<Config['method'], { kind: 'maml' }>;
    return createMamlExactMethod({
      ...exactPieces(ctx),
      alpha: m.alpha,
      innerSteps: m.innerSteps,
      order: m.order,
    });
  },
  'maml/sampled': (ctx) => {
    const m = ctx.config.method as Extract<Config['method'], { kind: 'maml' }>;
    return createMamlSampledMethod({
      policy: ctx.policy,
      sampler: ctx.sampler,
      alpha: m.alpha,
      innerSteps: m.innerSteps,
      order: m.order,
      episodesPerTask: ctx.config.sampler.episodesPerTask,
      advantages: {
        gamma: ctx.setup.gamma,
        gaeLambda: ctx.config.sampler.gaeLambda,
        normalize: ctx.config.sampler.normalizeAdvantages,
      },
      initSeed: ctx.config.seed,
      ...(ctx.executor ? { executor: ctx.executor } : {}),
    });
  },
  'bomrl/exact': (ctx) => {
    const m = ctx.config.method as Extract<Config['method'], { kind: 'bomrl' }>;
    const errors: string[] = [];
    if (m.surrogate !== 'plain') {
      // the exact hypergradient differentiates the plain-ratio L in closed form
      errors.push(
        `method.surrogate: '${m.surrogate}' exists only in sampled mode; use 'plain' in exact mode`,
      );
    }
    if (m.lineSearch !== 'resolve') {
      // exact mode's line search solves the exact lower level at every candidate
      errors.push(
        `method.lineSearch: '${m.lineSearch}' exists only in sampled mode; remove it in exact mode`,
      );
    }
    if (errors.length > 0) throw new ConfigError(errors);
    return createBomrlExactMethod({
      ...exactPieces(ctx),
      spec: {
        distance: m.alg,
        lambda: m.lambda,
        ...(m.delta === undefined ? {} : { delta: m.delta }),
        hypergradient: m.hypergradient,
      },
      ...(m.testLambda === undefined ? {} : { testLambda: m.testLambda }),
    });
  },
  'promp/sampled': (ctx) => {
    const m = ctx.config.method as Extract<Config['method'], { kind: 'promp' }>;
    return createPrompSampledMethod({
      policy: ctx.policy,
      sampler: ctx.sampler,
      alpha: m.alpha,
      clipEps: m.clipEps,
      klCoef: m.klCoef,
      adaptiveKl: m.adaptiveKl,
      klTarget: m.klTarget,
      gradientSteps: m.gradientSteps,
      episodesPerTask: ctx.config.sampler.episodesPerTask,
      advantages: advantageSettings(ctx),
    });
  },
  'e-maml/sampled': (ctx) => {
    const m = ctx.config.method as Extract<Config['method'], { kind: 'e-maml' }>;
    return createEmamlSampledMethod({
      policy: ctx.policy,
      sampler: ctx.sampler,
      alpha: m.alpha,
      episodesPerTask: ctx.config.sampler.episodesPerTask,
      advantages: advantageSettings(ctx),
    });
  },
  'bomrl/sampled': (ctx) => {
    const m = ctx.config.method as Extract<Config['method'], { kind: 'bomrl' }>;
    if (m.lineSearch !== 'resolve' && ctx.config.meta.optimizer !== 'trpo') {
      throw new ConfigError([
        `method.lineSearch: '${m.lineSearch}' is the TRPO meta-step's; set meta.optimizer: trpo or remove it`,
      ]);
    }
    return createBomrlSampledMethod({
      policy: ctx.policy,
      sampler: ctx.sampler,
      config: ctx.config,
      ...(ctx.executor ? { executor: ctx.executor } : {}),
    });
  },
};

/** Method keys available in this build. */
export function availableMethods(): string[] {
  return Object.keys(FACTORIES);
}

/** Builds the meta-method of `config.method` in `config.mode`. */
export function createMethod(ctx: MethodContext): MetaMethod<unknown> {
  const key = `${ctx.config.method.kind}/${ctx.config.mode}`;
  const factory = FACTORIES[key];
  if (!factory) {
    throw new ConfigError([
      `method.kind: '${ctx.config.method.kind}' with mode '${ctx.config.mode}' is not available in this build (available: ${availableMethods().join(', ')})`,
    ]);
  }
  return factory(ctx);
}
