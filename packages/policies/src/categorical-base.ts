import type { Rng } from '@bomrl/core';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { checkBatch, indexTensor } from './common';
import { categoricalEntropy, categoricalKL, categoricalLogProb } from './distributions';
import type { CategoricalDistribution } from './policy';
import { argmaxRows, forEachRowBlock, sampleCategoricalRows } from './sampling';
import { expectIndicesBelow, expectTensor } from './validation';

/**
 * The part of a discrete policy that depends only on its action logits: distribution,
 * log-probability, entropy, KL, sampling, mode and the actions tensor. A subclass supplies
 * {@link CategoricalPolicyBase.logits} (which validates `params` and `obs`) and, where the
 * observations must be checked before the actions are, {@link CategoricalPolicyBase.checkInputs}.
 */
export abstract class CategoricalPolicyBase {
  readonly actionSpace = 'discrete' as const;
  readonly actionShape: readonly number[] = [];

  /**
   * @param nActions size of the action set (the width of the logits).
   * @param name the class name error messages start with, e.g. `TabularSoftmaxPolicy`.
   */
  protected constructor(
    readonly nActions: number,
    protected readonly name: string,
  ) {}

  /** @deprecated Use `nActions`. */
  get numActions(): number {
    return this.nActions;
  }

  /** Action logits [B, nActions]; validates `params` and `obs`. */
  abstract logits(params: Tensor1D, obs: Tensor): Tensor2D;

  /**
   * Validates `params` and `obs` for `method` before anything reads `obs.shape`. No-op here:
   * policies whose `logits` check float observations keep reporting action errors first.
   */
  protected checkInputs(_params: Tensor1D, _obs: Tensor, _method: string): void {}

  distribution(params: Tensor1D, obs: Tensor): CategoricalDistribution {
    return { kind: 'categorical', logits: this.logits(params, obs) };
  }

  logProb(params: Tensor1D, obs: Tensor, actions: Tensor): Tensor1D {
    const name = `${this.name}.logProb`;
    this.checkInputs(params, obs, 'logProb');
    expectTensor(actions, [null], 'int32', `${name}: actions`);
    checkBatch(actions, obs.shape[0]!, name);
    expectIndicesBelow(actions, this.nActions, `${name}: actions`);
    return tf.tidy(() => categoricalLogProb(this.logits(params, obs), actions as Tensor1D));
  }

  entropy(params: Tensor1D, obs: Tensor): Tensor1D {
    return tf.tidy(() => categoricalEntropy(this.logits(params, obs)));
  }

  kl(paramsP: Tensor1D, paramsQ: Tensor1D, obs: Tensor): Tensor1D {
    return tf.tidy(() => categoricalKL(this.logits(paramsP, obs), this.logits(paramsQ, obs)));
  }

  sample(params: Tensor1D, obs: Tensor, rng: Rng | readonly Rng[]): Int32Array {
    const logits = this.logitValues(params, obs);
    const A = this.nActions;
    const out = new Int32Array(obs.shape[0]!);
    forEachRowBlock(obs.shape[0]!, rng, (first, rows, g) => {
      const block = logits.subarray(first * A, (first + rows) * A);
      out.set(sampleCategoricalRows(block, rows, A, g), first);
    });
    return out;
  }

  mode(params: Tensor1D, obs: Tensor): Int32Array {
    return argmaxRows(this.logitValues(params, obs), obs.shape[0]!, this.nActions);
  }

  actionTensor(actions: ArrayLike<number>): Tensor1D {
    return indexTensor(actions, this.nActions, `${this.name}.actionTensor: actions`);
  }

  /** The logits as plain numbers, for the non-differentiable samplers (frees the tensor). */
  private logitValues(params: Tensor1D, obs: Tensor): Float32Array {
    const logits = this.logits(params, obs);
    const values = logits.dataSync() as Float32Array;
    logits.dispose();
    return values;
  }
}
