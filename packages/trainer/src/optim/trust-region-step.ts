import { conjugateGradientHostAsync } from '@bomrl/meta-gradient';

/** Options of {@link trustRegionStep} (defaults: the standard MAML-TRPO settings). */
export interface TrustRegionOptions {
  readonly maxKl: number;
  readonly cgIterations?: number;
  readonly cgDamping?: number;
  readonly lineSearchSteps?: number;
  readonly lineSearchShrink?: number;
}

/** What a candidate parameter vector achieves, as the line search needs it. */
export interface Candidate {
  /**
   * Mean KL(pi_old || pi_candidate) on the reference states; may be a promise (MAML-TRPO
   * averages the tasks' KLs computed on the executor's workers).
   */
  readonly kl: number | Promise<number>;
  /**
   * Surrogate improvement over the current parameters (must be > 0 to accept). May be a lazy
   * getter and may be a promise (BO-MRL re-solves every task's lower level, on the executor's
   * workers): {@link trustRegionStep} reads it only for candidates within the KL bound.
   */
  readonly improvement: number | Promise<number>;
}

/** Where a candidate lies: params + scale * direction (direction = the natural-gradient step). */
export interface CandidateStep {
  readonly direction: Float64Array;
  readonly scale: number;
}

/** Result of one trust-region step. */
export interface TrustRegionResult {
  readonly params: Float64Array;
  readonly accepted: boolean;
  /** Backtracking steps taken (0 = the full step). */
  readonly backtracks: number;
  readonly kl: number;
  readonly improvement: number;
  /** CG iterations of the natural-gradient solve. */
  readonly cgIterations: number;
}

/**
 * A TRPO-style natural-gradient ascent step with a KL trust region (MAML-TRPO's meta-step):
 * solve F x = g by conjugate gradient on Fisher-vector products (the Hessian of the mean KL at
 * the current parameters), scale the step to the KL bound, beta = sqrt(2 maxKl / x^T F x), then
 * backtrack (beta * shrink^k) until the candidate's KL is within maxKl AND the surrogate
 * improves. If no candidate qualifies, the parameters are returned unchanged.
 */
export async function trustRegionStep(
  params: Float64Array,
  gradient: Float64Array,
  fisherVector: (v: Float64Array) => Float64Array | Promise<Float64Array>,
  evaluate: (candidate: Float64Array, step: CandidateStep) => Candidate,
  options: TrustRegionOptions,
): Promise<TrustRegionResult> {
  const {
    maxKl,
    cgIterations = 10,
    cgDamping = 1e-5,
    lineSearchSteps = 15,
    lineSearchShrink = 0.8,
  } = options;
  if (!(maxKl > 0)) throw new RangeError(`trustRegionStep: maxKl must be > 0, got ${maxKl}`);
  const unchanged = (cg: number): TrustRegionResult => ({
    params: Float64Array.from(params),
    accepted: false,
    backtracks: lineSearchSteps,
    kl: 0,
    improvement: 0,
    cgIterations: cg,
  });
  if (!gradient.some((g) => g !== 0)) return unchanged(0);
  const solve = await conjugateGradientHostAsync(fisherVector, gradient, {
    maxIter: cgIterations,
    tol: 1e-10,
    damping: cgDamping,
  });
  const x = solve.x;
  const Fx = await fisherVector(x);
  let xFx = 0;
  for (let i = 0; i < x.length; i++) xFx += x[i]! * (Fx[i]! + cgDamping * x[i]!);
  if (!(xFx > 0)) return unchanged(solve.iterations);
  const beta = Math.sqrt((2 * maxKl) / xFx);
  for (let k = 0; k < lineSearchSteps; k++) {
    const scale = beta * lineSearchShrink ** k;
    const candidate = params.map((p, i) => p + scale * x[i]!);
    const judged = evaluate(candidate, { direction: x, scale });
    // KL first: `improvement` may be computed lazily (see Candidate), so read it only if needed
    const kl = await judged.kl;
    if (kl > maxKl) continue;
    const improvement = await judged.improvement;
    if (improvement > 0) {
      return {
        params: candidate,
        accepted: true,
        backtracks: k,
        kl,
        improvement,
        cgIterations: solve.iterations,
      };
    }
  }
  return unchanged(solve.iterations);
}
