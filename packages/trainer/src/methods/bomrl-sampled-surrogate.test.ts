import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/load';
import { createRunSetup } from '../setup/index';
import { sampledSettings } from './bomrl-sampled';

/** method.surrogate and sampler.normalizeAdvantages in sampled BO-MRL (tiny 2D navigation). */
describe('method.surrogate and sampler.normalizeAdvantages (sampled BO-MRL)', () => {
  const input = {
    env: { family: 'navigation-2d', horizon: 10, tasks: { count: 4 } },
    policy: { kind: 'gaussian-mlp', hidden: [8] },
    method: {
      kind: 'bomrl',
      // the recipe of half-cheetah-vel-bomrl-stationary.yaml: l2's Hessian 2 lambda I keeps the
      // lower level well conditioned (with forward KL, lambda 2, this step measured 3.8e-2)
      alg: 'l2',
      lambda: 5,
      solver: { kind: 'newton-cg', maxSteps: 30, tol: 1e-6 },
    },
    mode: 'sampled',
    sampler: { episodesPerTask: 6 },
  } as const;

  it('defaults to the plain ratio and raw advantages, leaving the job settings as they were', () => {
    const config = resolveConfig(input);
    expect(config.method).toMatchObject({ surrogate: 'plain' });
    const settings = sampledSettings(config);
    // absent, not 'plain' / false: the executor payload of a default run is unchanged
    expect('ratio' in settings).toBe(false);
    expect('normalizeAdvantages' in settings).toBe(false);
  });

  it('passes smooth-clip and normalized advantages to the lower level and hypergradient', () => {
    const config = resolveConfig({
      ...input,
      method: { ...input.method, surrogate: 'smooth-clip' },
      sampler: { episodesPerTask: 6, normalizeAdvantages: true },
    });
    expect(sampledSettings(config)).toMatchObject({
      ratio: 'smooth-clip',
      normalizeAdvantages: true,
    });
  });

  it('names the field of a bad value, and refuses smooth-clip in exact mode', async () => {
    expect(() =>
      resolveConfig({ ...input, method: { ...input.method, surrogate: 'clip' } }),
    ).toThrow(/method\.surrogate: .*"plain".*"smooth-clip".*"log-prob"/);
    const exact = resolveConfig({
      env: { family: 'frozen-lake', size: 3, horizon: 12 },
      policy: { kind: 'tabular-softmax' },
      method: { kind: 'bomrl', alg: 'forward-kl', lambda: 1, surrogate: 'smooth-clip' },
      mode: 'exact',
    });
    await expect(createRunSetup(exact)).rejects.toThrow(/- method\.surrogate: .*sampled mode/);
  });

  it('one meta-step with smooth-clip and normalized advantages: finite, stationary lower levels', async () => {
    const config = resolveConfig({
      ...input,
      method: { ...input.method, surrogate: 'smooth-clip' },
      sampler: { episodesPerTask: 6, normalizeAdvantages: true },
    });
    const setup = await createRunSetup({ ...config, executor: { workers: 0 } });
    const phi = setup.method.initialParams(0);
    const tasks = setup.tasks.train.slice(0, 2);
    const r = await setup.method.step({ phi, tasks, iteration: 0, seed: 1 });
    r.trustRegion?.dispose();
    expect(r.gradient.every(Number.isFinite)).toBe(true);
    expect(Math.hypot(...r.gradient)).toBeGreaterThan(0);
    // newton-cg reaches the trainer's stationarity tolerance (1e-3 relative) on both tasks, so
    // no warning is raised
    expect(r.diagnostics.maxLowerRelGradNorm).toBeLessThan(1e-3);
    expect(r.warnings).toEqual([]);
    await setup.dispose();
  }, 120_000);
});
