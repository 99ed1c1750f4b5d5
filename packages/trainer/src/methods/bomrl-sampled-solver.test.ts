import { FrozenLake } from '@bomrl/envs';
import { TabularSoftmaxPolicy } from '@bomrl/policies';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/load';
import { InProcessSampler } from '../sampling/in-process-sampler';
import { createBomrlSampledMethod, sampledSettings } from './bomrl-sampled';

describe('method.solver.kind: newton-cg in sampled BO-MRL (3x3 Frozen Lake)', () => {
  const family = FrozenLake.family({ variance: 'high', size: 3, horizon: 12 });
  const tasks = family.sampleTasks(2, 11);
  const policy = new TabularSoftmaxPolicy({ nStates: 9, nActions: 4, initLogit: 0.1 });
  const config = resolveConfig({
    env: { family: 'frozen-lake', size: 3, horizon: 12 },
    policy: { kind: 'tabular-softmax' },
    method: {
      kind: 'bomrl',
      alg: 'forward-kl',
      lambda: 1,
      solver: { kind: 'newton-cg', maxSteps: 200, tol: 1e-6 },
    },
    mode: 'sampled',
    sampler: { episodesPerTask: 10 },
  });

  it('reaches the lower level stationary point on every task', async () => {
    expect(sampledSettings(config).solver?.kind).toBe('newton-cg');
    const sampler = new InProcessSampler(family, policy);
    const method = createBomrlSampledMethod({ policy, sampler, config });
    const phi = Float64Array.from({ length: 36 }, (_, i) => 0.3 * Math.sin(i));
    const r = await method.step({ phi, tasks, iteration: 0, seed: 1 });
    r.trustRegion?.dispose();
    // lambda 1 with a KL penalty makes this tabular G strictly concave off the gauge directions:
    // the solver stops at tol 1e-6; the trainer re-measures ||grad G|| in float32 at theta',
    // where it reads a little above tol (float32 sums over the batch), far below 1e-4
    expect(r.diagnostics.maxLowerGradNorm).toBeLessThan(1e-4);
    expect(r.gradient.every(Number.isFinite)).toBe(true);
    sampler.close();
  }, 120_000);

  it('passes cgIterations and radius through, and refuses them for other solvers', () => {
    const solver = { kind: 'newton-cg', maxSteps: 5, cgIterations: 7, radius: 0.5 } as const;
    const withOptions = resolveConfig({
      ...config,
      method: { ...config.method, solver },
    });
    expect(sampledSettings(withOptions).solver).toEqual({
      kind: 'newton-cg',
      maxSteps: 5,
      tol: 1e-6,
      cgIterations: 7,
      radius: 0.5,
    });
    expect(() =>
      resolveConfig({
        ...config,
        method: { ...config.method, solver: { kind: 'adam', cgIterations: 7 } },
      }),
    ).toThrow(/method\.solver.*newton-cg/s);
  });
});
