import type { Config } from './schema';

/**
 * A resource estimate made before any work: a config whose one meta-iteration would take more
 * environment steps, or whose policy would need more memory, than any sensible run is rejected
 * with a message naming the fields to lower. The per-field upper bounds live in the schema;
 * this catches products of individually plausible sizes.
 */

/** Environment steps of one meta-iteration above which a config is rejected. */
export const MAX_STEPS_PER_ITERATION = 50_000_000;
/** Policy parameters above which a config is rejected (float64 phi + Adam state + tensors). */
export const MAX_POLICY_PARAMS = 10_000_000;

/** Largest observation size of a family, for the parameter estimate (Ant's 111 is the largest). */
function obsSize(env: Config['env']): number {
  switch (env.family) {
    case 'frozen-lake':
      return env.size * env.size;
    case 'navigation-2d':
      return 2;
    default:
      return 111;
  }
}

/** Policy parameters of a config (an upper estimate for the MLPs: 8 actions at most). */
export function estimatePolicyParams(config: Config): number {
  const input = obsSize(config.env);
  const p = config.policy;
  if (p.kind === 'tabular-softmax') return input * 4;
  const layers = [input, ...p.hidden, 8];
  let n = 0;
  for (let i = 1; i < layers.length; i++) n += (layers[i - 1]! + 1) * layers[i]!;
  return n;
}

/** Environment steps one meta-iteration can take (rollouts before and after each inner step). */
export function estimateStepsPerIteration(config: Config): number {
  if (config.mode === 'exact') return 0;
  const rollouts = config.method.kind === 'maml' ? config.method.innerSteps + 1 : 2;
  return config.meta.tasksPerBatch * config.sampler.episodesPerTask * config.env.horizon * rollouts;
}

/** Problems found by the estimate, each naming the fields; empty when the config fits. */
export function resourceIssues(config: Config): string[] {
  const issues: string[] = [];
  const steps = estimateStepsPerIteration(config);
  if (steps > MAX_STEPS_PER_ITERATION) {
    issues.push(
      `meta.tasksPerBatch x sampler.episodesPerTask x env.horizon: one meta-iteration would take about ${steps.toExponential(1)} environment steps (limit ${MAX_STEPS_PER_ITERATION.toExponential(0)}); lower one of them`,
    );
  }
  const params = estimatePolicyParams(config);
  if (params > MAX_POLICY_PARAMS) {
    const mb = Math.round((params * 4 * 8) / 2 ** 20);
    issues.push(
      `policy.hidden: the policy would have about ${params.toExponential(1)} parameters (~${mb} MB with optimizer state; limit ${MAX_POLICY_PARAMS.toExponential(0)}); use fewer or smaller layers`,
    );
  }
  return issues;
}
