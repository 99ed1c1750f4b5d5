import { relativeError } from '@bomrl/core';
import { FrozenLake } from '@bomrl/envs';
import { describe, expect, it } from 'vitest';
import { finiteDifferenceHypergradient64, returnAndGradient64 } from '../../testing/index';
import { exactMamlMetaGradient } from './exact-maml';
import { disposeTabular, tabularTensors } from './tabular-tf';

describe('exact MAML meta-gradient (tfjs, through the inner PG step)', () => {
  const family = FrozenLake.family({ variance: 'low', size: 4 });
  const model = family.make(family.sampleTasks(1, 8)[0]!).model();
  const phi = Float64Array.from({ length: 64 }, (_, i) => Math.fround(0.3 * Math.cos(0.7 * i)));

  it('second order equals float64 finite differences of J(phi + alpha grad J(phi)) (<= 1e-3)', () => {
    const t = tabularTensors(model);
    const ours = exactMamlMetaGradient(t, phi, { alpha: 2 });
    disposeTabular(t);
    const truth = finiteDifferenceHypergradient64([model], phi, { kind: 'maml', alpha: 2 });
    expect(relativeError(ours.gradient, truth)).toBeLessThanOrEqual(1e-3);
    expect(ours.postReturn).toBeCloseTo(returnAndGradient64(model, ours.theta).J, 4);
  });

  it('first order is grad J(theta) and differs from the true meta-gradient', () => {
    const t = tabularTensors(model);
    const first = exactMamlMetaGradient(t, phi, { alpha: 2, order: 'first' });
    disposeTabular(t);
    const gTheta = returnAndGradient64(model, first.theta).grad;
    expect(relativeError(first.gradient, gTheta)).toBeLessThan(1e-4);
    const truth = finiteDifferenceHypergradient64([model], phi, { kind: 'maml', alpha: 2 });
    expect(relativeError(first.gradient, truth)).toBeGreaterThan(1e-2);
  });
});
