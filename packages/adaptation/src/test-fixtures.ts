// Shared test problems (not part of the package build: nothing in index.ts imports this file).
import { logSoftmax, Rng } from '@bomrl/core';
import { FrozenLake } from '@bomrl/envs';
import { adaptationTerms, evaluatePolicy, type TabularModel } from '@bomrl/envs/tabular';
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { type ExactData, exactData } from './data';
import { policyTable, softmaxTable } from './exact';
import type { PolicyLike } from './policy-like';

/** A random exact problem with every state visited (nu >= ~0.05). */
export function randomExactProblem(nStates: number, nActions: number, seed: number) {
  const rng = new Rng(seed);
  const nu = Float64Array.from({ length: nStates }, () => 0.2 + rng.next());
  const total = nu.reduce((a, b) => a + b, 0);
  const visitation = nu.map((v) => v / total);
  const advantages = Float64Array.from({ length: nStates * nActions }, () => rng.normal());
  const phiValues = Float32Array.from({ length: nStates * nActions }, () => 0.5 * rng.normal());
  return {
    data: exactData({ nStates, nActions, visitation, advantages }),
    phiValues,
  };
}

/** The paper's high-variance Frozen Lake map used throughout the tests (4x4, gamma 0.8, H 49). */
export const FROZEN_LAKE_MAP = ['SFFF', 'FHFH', 'FFFH', 'HFFG'];

export function frozenLakeModel(): TabularModel {
  const task = FrozenLake.task(FROZEN_LAKE_MAP, { variance: 'high' });
  return FrozenLake.make(task).model();
}

/** Exact data of the softmax policy with logits `phi` on `model`, and its finite-horizon J. */
export function exactTerms(model: TabularModel, phi: Tensor1D): { data: ExactData; J: number } {
  const terms = adaptationTerms(model, policyTable(phi, model.nStates, model.nActions));
  return {
    data: exactData({
      nStates: model.nStates,
      nActions: model.nActions,
      visitation: terms.visitation,
      advantages: terms.A,
      q: terms.Q,
      visitationMass: terms.finite.visitationMass,
    }),
    J: terms.J,
  };
}

/** Finite-horizon J of the softmax policy with logits `theta`. */
export function returnOf(model: TabularModel, theta: Tensor1D): number {
  return evaluatePolicy(model, softmaxTable(theta.dataSync(), model.nStates, model.nActions)).J;
}

/** Largest |p - q| between two policy tables given as logits tensors. */
export function maxProbabilityGap(
  a: Tensor1D,
  b: Tensor1D,
  nStates: number,
  nActions: number,
): number {
  const pa = policyTable(a, nStates, nActions);
  const pb = policyTable(b, nStates, nActions);
  let gap = 0;
  for (let i = 0; i < pa.length; i++)
    gap = Math.max(gap, Math.abs((pa[i] as number) - (pb[i] as number)));
  return gap;
}

/**
 * A minimal tabular softmax policy implementing {@link PolicyLike} (observations: int32 state
 * indices [B]; actions: int32 [B]), written with one-hot products so it is differentiable twice.
 */
export class TestTabularPolicy implements PolicyLike {
  constructor(
    readonly nStates: number,
    readonly nActions: number,
  ) {}

  private logTable(params: Tensor1D, obs: Tensor): Tensor {
    const table = logSoftmax(tf.reshape(params, [this.nStates, this.nActions]), 1);
    return tf.matMul(tf.cast(tf.oneHot(tf.cast(obs, 'int32'), this.nStates), 'float32'), table);
  }

  logProb(params: Tensor1D, obs: Tensor, actions: Tensor): Tensor1D {
    return tf.tidy(() => {
      const rows = this.logTable(params, obs);
      const mask = tf.cast(tf.oneHot(tf.cast(actions, 'int32'), this.nActions), 'float32');
      return tf.sum(tf.mul(rows, mask), 1) as Tensor1D;
    });
  }

  kl(paramsP: Tensor1D, paramsQ: Tensor1D, obs: Tensor): Tensor1D {
    return tf.tidy(() => {
      const lp = this.logTable(paramsP, obs);
      const lq = this.logTable(paramsQ, obs);
      return tf.sum(tf.mul(tf.exp(lp), tf.sub(lp, lq)), 1) as Tensor1D;
    });
  }
}
