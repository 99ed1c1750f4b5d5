import { relativeError } from '@bomrl/core';
import { FrozenLake } from '@bomrl/envs';
import type { TabularModel } from '@bomrl/envs/tabular';
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type CustomRootDiagnostics, customRoot } from '../implicit/custom-root';
import { adaptExact, type ExactBomrlSpec, exactLowerObjective } from './exact/exact-hypergradient';
import { disposeTabular, finiteHorizonReturn, tabularTensors } from './exact/tabular-tf';
import { exactBomrlMetaGradient } from './exact-bomrl-meta-gradient';

/*
 * The exact BO-MRL meta-gradient two ways on a 4x4 Frozen Lake model: `exactBomrlMetaGradient`
 * (the hand-assembled implicit function theorem: block-diagonal adjoint, then one cross
 * Hessian-vector product) and plain `tf.grad` of phi -> J(theta'(phi)) where theta'(phi) is the
 * package's exact lower-level solve wrapped by `customRoot` with `exactLowerObjective` as its
 * optimality condition. Both see the same float32 theta' (the same deterministic solve), so they
 * differ only in how the adjoint system is solved (per-state blocks vs one dense LU over all 64
 * logits, each on float32 Hessian-vector products) and in float32 summation order.
 */

function model(variance: 'high' | 'low', seed: number): TabularModel {
  const family = FrozenLake.family({ variance, size: 4 });
  return family.make(family.sampleTasks(1, seed)[0]!).model();
}

const phiValues = Float64Array.from({ length: 64 }, (_, i) =>
  Math.fround(0.4 * Math.sin(1.3 * i + 0.2)),
);

/** d J(theta'(phi)) / d phi by tf.grad through customRoot, and customRoot's diagnostics. */
function throughCustomRoot(m: TabularModel, spec: ExactBomrlSpec) {
  const t = tabularTensors(m);
  const phi = tf.tensor1d(Float32Array.from(phiValues));
  const lower = exactLowerObjective(t, phi, spec);
  const seen: CustomRootDiagnostics[] = [];
  try {
    const rooted = customRoot({
      solver: (p) => adaptExact(t, p, spec).params,
      objective: lower.objective,
      sense: 'max',
      // 64 logits: a dense solve on 64 products is exact and cheap, like the direct path's blocks
      solve: { kind: 'direct' },
      onDiagnostics: (d) => seen.push(d),
    });
    const grad = tf.tidy(() =>
      tf.grad((p: Tensor) => finiteHorizonReturn(t, rooted(p as Tensor1D)))(phi),
    );
    const values = Float64Array.from(grad.dataSync());
    grad.dispose();
    return { gradient: values, diagnostics: seen };
  } finally {
    lower.dispose();
    phi.dispose();
    disposeTabular(t);
  }
}

describe('exact BO-MRL meta-gradient through customRoot equals the direct one', () => {
  const cases: [string, 'high' | 'low', ExactBomrlSpec][] = [
    ['Alg(1) forward KL', 'high', { distance: 'forward-kl', lambda: 1.5, hypergradient: 'full' }],
    ['Alg(2) reverse KL', 'low', { distance: 'reverse-kl', lambda: 1.5, hypergradient: 'full' }],
    ['Alg(3) l2', 'high', { distance: 'l2', lambda: 0.2, hypergradient: 'full' }],
    [
      "Alg(1) forward KL, 'ignore-data'",
      'high',
      { distance: 'forward-kl', lambda: 1.5, hypergradient: 'ignore-data' },
    ],
  ];
  for (const [name, variance, spec] of cases) {
    it(`${name} (${spec.hypergradient}): tf.grad through customRoot = exactBomrlMetaGradient`, () => {
      const m = model(variance, 3);
      const before = tf.memory().numTensors;
      const rooted = throughCustomRoot(m, spec);
      expect(tf.memory().numTensors).toBe(before);
      const direct = exactBomrlMetaGradient({
        model: m,
        phi: phiValues,
        adaptation: { distance: spec.distance, lambda: spec.lambda },
        mode: spec.hypergradient,
      });
      const error = relativeError(rooted.gradient, direct.metaGradient);
      console.log(
        `${name} (${spec.hypergradient}): customRoot vs direct ${error.toExponential(2)}`,
      );
      expect(rooted.diagnostics).toHaveLength(1);
      expect(rooted.diagnostics[0]!.warnings).toEqual([]);
      expect(direct.diagnostics.warnings).toEqual([]);
      // not vacuous: a meta-gradient of a real size, which the other mode changes by far more
      // than the tolerance
      expect(Math.hypot(...direct.metaGradient)).toBeGreaterThan(1e-3);
      const otherMode = exactBomrlMetaGradient({
        model: m,
        phi: phiValues,
        adaptation: { distance: spec.distance, lambda: spec.lambda },
        mode: spec.hypergradient === 'full' ? 'ignore-data' : 'full',
      });
      expect(relativeError(rooted.gradient, otherMode.metaGradient)).toBeGreaterThan(1e-2);
      // Same theta', same cross term; only the adjoint solve differs (per-state blocks vs one
      // dense LU, both float64 on float32 Hessian-vector products): measured <= 3e-7. 1e-4
      // leaves room for other backends' float32 rounding; a missing or wrong term is >= 1e-2.
      expect(error).toBeLessThan(1e-4);
    }, 300_000);
  }
});
