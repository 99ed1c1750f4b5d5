import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/load';
import { isNumericError, numericFailure, vectorProblem } from './numeric-guard';

const config = (over: Record<string, unknown>) =>
  resolveConfig({
    env: { family: 'frozen-lake' },
    policy: { kind: 'tabular-softmax' },
    method: { kind: 'bomrl', alg: 'l2', lambda: 1 },
    ...over,
  });

describe('numeric guard', () => {
  it('finds the first non-finite entry and divergence beyond the limit', () => {
    expect(vectorProblem('phi', [1, -2, 3], 10)).toBeUndefined();
    expect(vectorProblem('phi', [1, Number.NaN, 3])).toBe('phi[1] is NaN');
    expect(vectorProblem('g', new Float64Array([0, -Infinity]))).toBe('g[1] is -Infinity');
    expect(vectorProblem('phi', [1, -50], 10)).toMatch(/phi diverged \(max \|phi\| = 5\.00e\+1/);
  });

  it('names the unusual setting first; falls back to the learning rate', () => {
    expect(numericFailure(config({ meta: { lr: 1e6 } }), 3, 'x').fields[0]).toBe('meta.lr');
    expect(
      numericFailure(config({ method: { kind: 'bomrl', alg: 'l2', lambda: 1e-12 } }), 0, 'x')
        .fields[0],
    ).toBe('method.lambda');
    expect(
      numericFailure(config({ policy: { kind: 'tabular-softmax', initLogit: 1e300 } }), 0, 'x')
        .fields[0],
    ).toBe('policy.initLogit');
    const f = numericFailure(config({}), 7, 'the objective is NaN');
    expect(f.fields).toEqual(['meta.lr', 'method.lambda']);
    expect(f.message).toMatch(/^iteration 7: the objective is NaN\. The run stopped before/);
  });

  it('tells numeric breakdowns from other errors', () => {
    expect(isNumericError(new Error('solveDense: singular matrix'))).toBe(true);
    expect(isNumericError(new Error('action [-Infinity, 1] must be finite'))).toBe(true);
    expect(isNumericError(new Error('cannot write x: ENOSPC'))).toBe(false);
  });
});
