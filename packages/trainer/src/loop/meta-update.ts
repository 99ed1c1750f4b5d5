import type { Config } from '../config/schema';
import type { MetaStepResult } from '../methods/method';
import { FirstOrderOptimizer } from '../optim/first-order';
import { trustRegionStep } from '../optim/trust-region-step';

/** Applies one meta-step to phi; returns the new phi and scalars for the metrics row. */
export interface MetaUpdater {
  update(
    phi: Float64Array,
    step: MetaStepResult,
  ): Promise<{
    phi: Float64Array;
    metrics: Record<string, number>;
  }>;
  /** The optimizer's state for checkpoints (null: stateless). */
  readonly optimizer: FirstOrderOptimizer | null;
}

/**
 * The meta-optimizer of `config.meta`: Adam or SGD ascent on the meta-gradient, or the
 * TRPO-style natural-gradient step with a KL trust region built from the method's
 * `trustRegion` pieces (MAML-TRPO is MAML with this step). A method that returns `sameBatch`
 * (ProMP) gets several first-order steps on its one sampled batch.
 */
export function createMetaUpdater(meta: Config['meta'], methodName: string): MetaUpdater {
  if (meta.optimizer === 'trpo') {
    return {
      optimizer: null,
      async update(phi, step) {
        const tr = step.trustRegion;
        step.sameBatch?.dispose();
        if (!tr) {
          throw new Error(
            `meta.optimizer: 'trpo' needs trust-region pieces, which method '${methodName}' does not provide`,
          );
        }
        const r = await trustRegionStep(phi, step.gradient, tr.fisherVector, tr.evaluate, {
          maxKl: meta.maxKl,
          cgIterations: meta.cgIterations,
          cgDamping: meta.cgDamping,
          lineSearchSteps: meta.lineSearchSteps,
          lineSearchShrink: meta.lineSearchShrink,
        });
        return {
          phi: r.params,
          metrics: {
            trpoAccepted: r.accepted ? 1 : 0,
            trpoKl: r.kl,
            trpoImprovement: r.improvement,
            trpoBacktracks: r.backtracks,
            trpoCgIterations: r.cgIterations,
            ...tr.diagnostics?.(),
          },
        };
      },
    };
  }
  const optimizer = new FirstOrderOptimizer({ kind: meta.optimizer, lr: meta.lr });
  return {
    optimizer,
    update: async (phi, step) => {
      const batch = step.sameBatch;
      if (!batch) return { phi: optimizer.ascend(phi, step.gradient), metrics: {} };
      try {
        let next = optimizer.ascend(phi, step.gradient);
        for (let k = 1; k < batch.steps; k++) next = optimizer.ascend(next, batch.gradientAt(next));
        return { phi: next, metrics: { ...batch.finish(next) } };
      } finally {
        batch.dispose();
      }
    },
  };
}
