import { z } from 'zod';

/**
 * The one typed configuration of a bomrl run. Every field has a documented default; unknown
 * fields are errors (a typo must not silently fall back to a default).
 */

/** How many tasks to generate, the generator seed, and the train fraction of the split. */
function taskSplit(count: number) {
  return z
    .strictObject({
      count: z.int().min(2).max(100_000).default(count),
      seed: z.int().default(7),
      trainFraction: z.number().gt(0).lt(1).default(0.8),
    })
    .default({ count, seed: 7, trainFraction: 0.8 });
}

const frozenLake = z.strictObject({
  family: z.literal('frozen-lake'),
  /** 'high': absorbing holes (-1/step); 'low': penalty cells (-0.5 on entry). */
  variance: z.enum(['high', 'low']).default('high'),
  size: z.int().min(2).max(16).default(4),
  slip: z.number().min(0).max(1).default(0),
  gamma: z.number().gt(0).lt(1).default(0.8),
  horizon: z.int().positive().max(10_000).default(49),
  tasks: taskSplit(30),
});

const navigation2d = z.strictObject({
  family: z.literal('navigation-2d'),
  gamma: z.number().gt(0).lte(1).default(0.99),
  horizon: z.int().positive().max(10_000).default(100),
  tasks: taskSplit(100),
});

const locomotion = z.strictObject({
  family: z.enum(['half-cheetah-vel', 'half-cheetah-dir', 'ant-vel', 'ant-dir']),
  gamma: z.number().gt(0).lte(1).default(0.995),
  horizon: z.int().positive().max(10_000).default(200),
  tasks: taskSplit(100),
});

/** Hidden layer sizes of an MLP policy (bounded: the resource estimate checks their product). */
const hiddenSchema = z.array(z.int().positive().max(4096)).max(8).default([64, 64]);

export const envSchema = z.discriminatedUnion('family', [frozenLake, navigation2d, locomotion]);

export const policySchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('tabular-softmax'),
    /** Every logit starts at this value (the paper: 0.1, i.e. the uniform policy). */
    initLogit: z.number().default(0.1),
  }),
  z.strictObject({
    kind: z.literal('categorical-mlp'),
    hidden: hiddenSchema,
  }),
  z.strictObject({
    kind: z.literal('gaussian-mlp'),
    hidden: hiddenSchema,
    logStdInit: z.number().default(0),
    minStd: z.number().positive().default(1e-6),
  }),
]);

const solverSchema = z
  .strictObject({
    /**
     * 'lbfgs' and 'newton-cg' (trust-region Newton-CG on exact Hessian-vector products, with
     * its defaults of 20 products per step and radius 0.1) are curvature-aware for MLP lower
     * levels; neither has a learning rate (`lr` is ignored), `maxSteps` caps their iterations.
     */
    kind: z.enum(['adam', 'gradient-ascent', 'closed-form', 'lbfgs', 'newton-cg']).default('adam'),
    lr: z.number().positive().default(0.05),
    maxSteps: z.int().positive().max(1_000_000).default(500),
    tol: z.number().positive().default(1e-6),
    /** 'newton-cg' only: Hessian-vector products per step (its default 20). */
    cgIterations: z.int().positive().max(10_000).optional(),
    /** 'newton-cg' only: the initial trust radius in parameter units (its default 0.1). */
    radius: z.number().positive().optional(),
  })
  .refine(
    (s) => s.kind === 'newton-cg' || (s.cgIterations === undefined && s.radius === undefined),
    {
      message:
        "cgIterations and radius apply to kind 'newton-cg' only; remove them or set kind: newton-cg",
    },
  )
  .default({ kind: 'adam', lr: 0.05, maxSteps: 500, tol: 1e-6 });

/**
 * Sampled mode: how the adjoint system -Hess_theta G(theta', phi) v = grad J(theta') is solved.
 * 'auto' solves tabular policies under a KL distance exactly per state block and everything
 * else by conjugate gradient; 'cg' always uses CG. CG stops after `iterations` Hessian-vector
 * products (the authors use 10) or at relative residual `tolerance`, on the system damped by
 * `damping` (H + damping I). Exact mode solves its adjoint exactly and ignores this.
 */
const adjointSchema = z
  .strictObject({
    solver: z.enum(['auto', 'cg']).default('auto'),
    iterations: z.int().positive().default(10),
    damping: z.number().nonnegative().default(1e-6),
    tolerance: z.number().positive().default(1e-8),
  })
  .default({ solver: 'auto', iterations: 10, damping: 1e-6, tolerance: 1e-8 });

export const methodSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('bomrl'),
    /** Alg(1) forward KL, Alg(2) reverse KL, Alg(3) parameter l2. */
    alg: z.enum(['forward-kl', 'reverse-kl', 'l2']),
    lambda: z.number().positive(),
    /** A hard trust region D2 <= delta instead of the penalty (lambda is then the search start). */
    delta: z.number().positive().optional(),
    /** How the hypergradient treats the data's dependence on phi (docs/algorithm.md#hypergradient). */
    hypergradient: z.enum(['full', 'ignore-data']).default('full'),
    solver: solverSchema,
    /** lambda used at meta-test (the paper adapts with a smaller lambda at test time). */
    testLambda: z.number().positive().optional(),
    adjoint: adjointSchema,
    /**
     * Sampled mode: how the importance ratio r = pi_theta / pi_phi enters the lower level's L
     * (and both hypergradients). 'plain': r. 'smooth-clip': 2 sigmoid(2r - 2), bounded in (0, 2).
     * 'log-prob': 1 + log r, the REINFORCE surrogate sum w log pi_theta A up to a theta-free
     * term (what the authors' MuJoCo code maximizes). The last two give G a maximum on Gaussian
     * MLP policies, where the plain ratio can outgrow the KL penalty.
     */
    surrogate: z.enum(['plain', 'smooth-clip', 'log-prob']).default('plain'),
    /**
     * Sampled mode with meta.optimizer 'trpo': how the line search judges a candidate phi~
     * within the KL bound. 'resolve' (default) solves each task's lower level again from phi~
     * on the same batch and evaluates the post-update surrogate (a full lower level per task and
     * candidate); 'linearized' moves theta' along its implicit-function tangent d theta'/d phi
     * (one CG solve per task and step, with the adjoint's settings; then a forward pass per
     * candidate; meaningful when theta' is stationary); 'first-order' uses the meta-gradient's
     * linear model g . (phi~ - phi), so the first candidate within the KL bound is taken (no
     * per-task work; close to the authors' HalfCheetah code). Exact mode re-solves exactly.
     */
    lineSearch: z.enum(['resolve', 'linearized', 'first-order']).default('resolve'),
  }),
  z.strictObject({
    kind: z.literal('maml'),
    alpha: z.number().positive().default(0.1),
    innerSteps: z.int().positive().max(100).default(1),
    order: z.enum(['first', 'second']).default('second'),
  }),
  z.strictObject({
    /** ProMP (Rothfuss et al. 2019): LVC inner step, PPO-clip outer objective, inner KL penalty. */
    kind: z.literal('promp'),
    /** Inner step size of the LVC policy-gradient step. */
    alpha: z.number().positive().default(0.1),
    /** Clip range eps of the outer objective min(r A, clip(r, 1 - eps, 1 + eps) A). */
    clipEps: z.number().gt(0).lt(1).default(0.3),
    /** eta: weight of the KL(pi_phi_old || pi_phi) penalty on the pre-update states. */
    klCoef: z.number().nonnegative().default(5e-4),
    /** Halve / double eta after each iteration when the KL is below / above klTarget (/ * 1.5). */
    adaptiveKl: z.boolean().default(false),
    klTarget: z.number().positive().default(0.01),
    /** Meta-optimizer steps (meta.optimizer 'adam' or 'sgd') on each sampled batch. */
    gradientSteps: z.int().positive().default(5),
  }),
  z.strictObject({
    /** E-MAML (Stadie et al. 2018), E-MAML-TRPO form: MAML plus the exploration term. */
    kind: z.literal('e-maml'),
    /** Inner step size of the REINFORCE step (one inner step). */
    alpha: z.number().positive().default(0.1),
  }),
]);

export const metaSchema = z
  .strictObject({
    optimizer: z.enum(['adam', 'sgd', 'trpo']).default('adam'),
    lr: z.number().positive().default(0.03),
    iterations: z.int().positive().max(1_000_000).default(150),
    tasksPerBatch: z.int().positive().max(10_000).default(5),
    /** TRPO step only: KL bound, CG iterations, damping, line-search steps and shrink factor. */
    maxKl: z.number().positive().default(0.01),
    cgIterations: z.int().positive().max(1_000).default(10),
    cgDamping: z.number().nonnegative().default(1e-5),
    lineSearchSteps: z.int().positive().max(100).default(15),
    lineSearchShrink: z.number().gt(0).lt(1).default(0.8),
  })
  .default({
    optimizer: 'adam',
    lr: 0.03,
    iterations: 150,
    tasksPerBatch: 5,
    maxKl: 0.01,
    cgIterations: 10,
    cgDamping: 1e-5,
    lineSearchSteps: 15,
    lineSearchShrink: 0.8,
  });

export const samplerSchema = z
  .strictObject({
    episodesPerTask: z.int().positive().max(100_000).default(20),
    gaeLambda: z.number().min(0).max(1).default(1),
    /**
     * Shift and scale each batch's advantages to mean 0, std 1: MAML-family inner and outer
     * batches; sampled BO-MRL's lower level and hypergradient (not its outer gradient).
     */
    normalizeAdvantages: z.boolean().default(false),
  })
  .default({ episodesPerTask: 20, gaeLambda: 1, normalizeAdvantages: false });

export const metaTestSchema = z
  .strictObject({
    rounds: z.int().nonnegative().max(100).default(4),
    seeds: z.int().positive().max(1_000).default(1),
  })
  .default({ rounds: 4, seeds: 1 });

/**
 * Where sampled methods run their per-task jobs. `workers`: worker threads, each with its own
 * backend and MuJoCo models ('auto': one per core; 0: everything in the main thread). Results
 * are bit-identical for any value, so a run may resume with another.
 */
export const executorSchema = z
  .strictObject({
    workers: z.union([z.literal('auto'), z.int().min(0).max(256)]).default('auto'),
  })
  .default({ workers: 'auto' });

export const configSchema = z.strictObject({
  /** Names the default run directory runs/<name>, so it may not contain a path. */
  name: z
    .string()
    .max(100)
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
      'use letters, digits, ".", "_" and "-" only, starting with a letter or digit (it names the directory runs/<name>)',
    )
    .default('run'),
  env: envSchema,
  policy: policySchema,
  method: methodSchema,
  /** 'exact': tabular quantities from the known model (Frozen Lake only); 'sampled': rollouts. */
  mode: z.enum(['exact', 'sampled']).default('sampled'),
  meta: metaSchema,
  sampler: samplerSchema,
  metaTest: metaTestSchema,
  executor: executorSchema,
  seed: z.int().default(0),
  backend: z.enum(['auto', 'cpu', 'wasm', 'tensorflow', 'tensorflow-gpu']).default('auto'),
  /** Checkpoint every N meta-iterations (and on Ctrl-C). */
  checkpointEvery: z.int().positive().max(1_000_000).default(10),
});

/** A config as written in a file (defaults optional). */
export type ConfigInput = z.input<typeof configSchema>;
/** A resolved config: every default filled in. This is what a run directory stores. */
export type Config = z.output<typeof configSchema>;
