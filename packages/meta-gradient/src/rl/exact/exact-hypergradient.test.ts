import { relativeError, withUncorrectedGradients } from '@bomrl/core';
import { FrozenLake } from '@bomrl/envs';
import type { TabularModel } from '@bomrl/envs/tabular';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { finiteDifferenceHypergradient64, type ReferenceOperator } from '../../testing/index';
import { type ExactBomrlSpec, exactHypergradient } from './exact-hypergradient';
import { disposeTabular, tabularTensors } from './tabular-tf';

/*
 * The library's exact-mode hypergradient (tfjs float32: adaptation's Newton solve, autodiff of
 * the exact return, CG on double-backprop HVPs) against central finite differences of the exact
 * meta-objective computed in float64 with theta' solved to 1e-12. Tolerance 1e-3 relative:
 * float32 solves and CG leave ~1e-5; a missing term (e.g. 'ignore-data') is an O(1) error.
 */

function model(variance: 'high' | 'low', seed: number): TabularModel {
  const family = FrozenLake.family({ variance, size: 4 });
  return family.make(family.sampleTasks(1, seed)[0]!).model();
}

const phi = Float64Array.from({ length: 64 }, (_, i) => Math.fround(0.4 * Math.sin(1.3 * i + 0.2)));

function reference(op: ExactBomrlSpec): ReferenceOperator {
  return op.delta !== undefined
    ? { kind: 'constrained', distance: op.distance, delta: op.delta }
    : { kind: 'penalty', distance: op.distance, lambda: op.lambda };
}

function compare(m: TabularModel, spec: ExactBomrlSpec) {
  const t = tabularTensors(m);
  try {
    const ours = exactHypergradient(t, phi, spec);
    const truth = finiteDifferenceHypergradient64([m], phi, reference(spec));
    return { err: relativeError(ours.gradient, truth), ours, truth };
  } finally {
    disposeTabular(t);
  }
}

describe('exact-mode BO-MRL hypergradient (tfjs) vs float64 finite differences', () => {
  const cases: [string, 'high' | 'low', ExactBomrlSpec][] = [
    [
      'Alg(1) forward KL, high variance',
      'high',
      { distance: 'forward-kl', lambda: 1.5, hypergradient: 'full' },
    ],
    [
      'Alg(2) reverse KL, low variance',
      'low',
      { distance: 'reverse-kl', lambda: 1.5, hypergradient: 'full' },
    ],
    ['Alg(3) l2, high variance', 'high', { distance: 'l2', lambda: 0.2, hypergradient: 'full' }],
    [
      'constrained reverse KL, high variance',
      'high',
      { distance: 'reverse-kl', lambda: 1, delta: 0.05, hypergradient: 'full' },
    ],
  ];
  for (const [name, variance, spec] of cases) {
    it(`${name}: relative error <= 1e-3`, () => {
      const { err, truth } = compare(model(variance, 3), spec);
      expect(Math.hypot(...truth)).toBeGreaterThan(1e-3);
      expect(err).toBeLessThanOrEqual(1e-3);
    });
  }

  it("'ignore-data' (the authors' approximation) is a different, biased gradient", () => {
    const m = model('high', 3);
    const full = compare(m, { distance: 'forward-kl', lambda: 1.5, hypergradient: 'full' });
    const ignore = compare(m, {
      distance: 'forward-kl',
      lambda: 1.5,
      hypergradient: 'ignore-data',
    });
    expect(full.err).toBeLessThanOrEqual(1e-3);
    expect(ignore.err).toBeGreaterThan(0.05);
  });

  it('does not depend on the gauge weight', () => {
    const m = model('low', 5);
    const t = tabularTensors(m);
    const a = exactHypergradient(t, phi, {
      distance: 'reverse-kl',
      lambda: 1,
      hypergradient: 'full',
      gaugeWeight: 1,
    });
    const b = exactHypergradient(t, phi, {
      distance: 'reverse-kl',
      lambda: 1,
      hypergradient: 'full',
      gaugeWeight: 25,
    });
    disposeTabular(t);
    // a 25x larger gauge weight changes the CG system's conditioning, not its solution: the
    // two agree to float32 CG accuracy (measured ~2e-4), far inside the 1e-3 acceptance bound
    expect(relativeError(b.gradient, a.gradient)).toBeLessThan(1e-3);
  });

  it('is wrong (or throws) with tfjs’s uncorrected second-order gradients', () => {
    const m = model('high', 3);
    const spec: ExactBomrlSpec = { distance: 'forward-kl', lambda: 1.5, hypergradient: 'full' };
    const truth = finiteDifferenceHypergradient64([m], phi, reference(spec));
    const t = tabularTensors(m);
    let err: number;
    try {
      err = withUncorrectedGradients(() =>
        relativeError(exactHypergradient(t, phi, spec).gradient, truth),
      );
    } catch {
      err = Number.POSITIVE_INFINITY;
    }
    disposeTabular(t);
    expect(err).toBeGreaterThan(1e-2);
  });

  it('leaks no tensors', () => {
    const t = tabularTensors(model('high', 3));
    const spec: ExactBomrlSpec = { distance: 'reverse-kl', lambda: 1.5, hypergradient: 'full' };
    exactHypergradient(t, phi, spec);
    const before = tf.memory().numTensors;
    exactHypergradient(t, phi, spec);
    exactHypergradient(t, phi, spec);
    expect(tf.memory().numTensors).toBe(before);
    disposeTabular(t);
  });
});
