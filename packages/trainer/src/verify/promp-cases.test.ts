import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ESTIMATOR_TOLERANCE, runEstimatorChecks } from './promp-cases';

describe('ProMP / E-MAML estimator checks (exact enumeration and sampled averages)', () => {
  it('every estimator matches its analytic quantity exactly in expectation and within 3 SE when sampled', () => {
    const before = tf.memory().numTensors;
    const cases = runEstimatorChecks({ seed: 0, samples: 20000 });
    expect(tf.memory().numTensors).toBe(before);
    expect(cases.map((c) => c.estimator)).toEqual([
      'ProMP LVC inner gradient',
      'ProMP LVC Hessian-vector product',
      'E-MAML exploration-term gradient',
    ]);
    for (const c of cases) {
      console.log(JSON.stringify(c));
      expect(c.truthNorm).toBeGreaterThan(1e-3);
      expect(c.exactRelativeError).toBeLessThanOrEqual(ESTIMATOR_TOLERANCE.exact);
      expect(c.tfjsRelativeError).toBeLessThanOrEqual(ESTIMATOR_TOLERANCE.tfjs);
      expect(c.standardErrors).toBeLessThanOrEqual(ESTIMATOR_TOLERANCE.standardErrors);
      expect(c.pass).toBe(true);
    }
  }, 120_000);
});
