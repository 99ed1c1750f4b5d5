/**
 * The page's whole computation for one target velocity, as one function the worker and Node
 * (the browser test, scripts/cheetah-margin.ts) share: one batch with the prior, one round of
 * BO-MRL, and the evaluation of the prior and the adapted policy on the same seeded episodes.
 */
import { HalfCheetahVel } from '@bomrl/envs/mujoco';
import { loadPolicy } from '@bomrl/policies';
import * as tf from '@tensorflow/tfjs-core';
import type { CheetahPriorDocument } from './prior';
import {
  adaptOnBatch,
  batchReturn,
  type CheetahFamily,
  collectEpisodes,
  type Evaluation,
  type EvaluationOptions,
  evaluatePolicy,
  type OnProgress,
  roundSettings,
} from './round';
import { BATCH_SEED, EVALUATION } from './seeds';

/** What one adaptation on one target velocity produced. */
export interface CheetahRoundResult {
  readonly velocity: number;
  readonly prior: Evaluation;
  readonly adapted: Evaluation;
  /** The batch: episodes, their mean return (stochastic prior), the lower-level report. */
  readonly batch: { readonly episodes: number; readonly meanReturn: number };
  readonly lowerLevel: {
    readonly steps: number;
    readonly kl: number;
    readonly relGradNorm: number;
  };
}

/** Loads MuJoCo (once) and the family at the prior's horizon. */
export function cheetahFamily(doc: CheetahPriorDocument): Promise<CheetahFamily> {
  return HalfCheetahVel.family({ horizon: doc.env.horizon });
}

/**
 * One target velocity: batch, one BO-MRL round, evaluation of both policies. The page always
 * uses the batch seed {@link BATCH_SEED} and {@link EVALUATION}; scripts/cheetah-margin.ts varies
 * them.
 */
export function runRound(
  doc: CheetahPriorDocument,
  family: CheetahFamily,
  velocity: number,
  onProgress: OnProgress = () => {},
  batchSeed = BATCH_SEED,
  evaluation: EvaluationOptions = EVALUATION,
): CheetahRoundResult {
  const task = family.validateTask({ velocity });
  const { policy, params: phi } = loadPolicy(doc.policy, 'gaussian-mlp');
  try {
    const episodes = collectEpisodes(
      family,
      policy,
      phi,
      task,
      doc.adaptation.episodes,
      batchSeed,
      (label, done, total) =>
        onProgress(`${label} (${doc.adaptation.episodes} episodes)`, done, total),
    );
    onProgress('one round of BO-MRL (Adam on the lower level)', 0, 1);
    const { theta, report } = adaptOnBatch(
      policy,
      phi,
      episodes,
      roundSettings(doc.adaptation, doc.env.gamma),
    );
    try {
      const prior = evaluatePolicy(family, policy, phi, task, evaluation, (l, d, t) =>
        onProgress(`${l} the prior`, d, t),
      );
      const adapted = evaluatePolicy(family, policy, theta, task, evaluation, (l, d, t) =>
        onProgress(`${l} the adapted policy`, d, t),
      );
      return {
        velocity: task.velocity,
        prior,
        adapted,
        batch: { episodes: episodes.length, meanReturn: batchReturn(episodes) },
        lowerLevel: {
          steps: report.solverSteps,
          kl: report.distance,
          relGradNorm: report.relativeGradNorm,
        },
      };
    } finally {
      theta.dispose();
    }
  } finally {
    tf.dispose(phi);
  }
}
