import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/load';
import { availableMethods } from './registry';

describe('method registry', () => {
  it('lists ProMP and E-MAML (sampled mode) beside BO-MRL and MAML', () => {
    expect(availableMethods()).toEqual(
      expect.arrayContaining([
        'maml/exact',
        'maml/sampled',
        'bomrl/exact',
        'bomrl/sampled',
        'promp/sampled',
        'e-maml/sampled',
      ]),
    );
  });

  it('fills the paper defaults of ProMP and E-MAML and names a bad field', () => {
    const base = { env: { family: 'navigation-2d' }, policy: { kind: 'gaussian-mlp' } };
    const promp = resolveConfig({ ...base, method: { kind: 'promp' } }).method;
    expect(promp).toEqual({
      kind: 'promp',
      alpha: 0.1,
      clipEps: 0.3,
      klCoef: 5e-4,
      adaptiveKl: false,
      klTarget: 0.01,
      gradientSteps: 5,
    });
    expect(resolveConfig({ ...base, method: { kind: 'e-maml' } }).method).toEqual({
      kind: 'e-maml',
      alpha: 0.1,
    });
    expect(() => resolveConfig({ ...base, method: { kind: 'promp', clipEps: 1.5 } })).toThrow(
      /method\.clipEps/,
    );
    expect(() => resolveConfig({ ...base, method: { kind: 'e-maml', order: 'first' } })).toThrow(
      /order/,
    );
  });
});
