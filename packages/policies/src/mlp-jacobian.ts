import { fastTanh } from '@bomrl/core';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Jacobian-vector and vector-Jacobian products of a tanh MLP's output with respect to its
 * parameters, at fixed parameters and inputs, from activations computed ONCE. This is what
 * makes Gauss-Newton / Fisher-vector products cheap: each product is two passes of plain
 * matMuls over cached tensors, with no tape, no tanh kernel and no fresh forward pass.
 *
 * Layer l (1-based): z_l = h_{l-1} W_l + b_l, h_l = tanh(z_l) for hidden layers, output z_L.
 *   JVP: dz_l = dh_{l-1} W_l + h_{l-1} dW_l + db_l,  dh_l = (1 - h_l^2) dz_l,  dh_0 = 0.
 *   VJP: dW_l = h_{l-1}^T g_l,  db_l = sum_rows g_l,  g_{l-1} = (g_l W_l^T) (1 - h_{l-1}^2).
 * Transposes are materialized once: on wasm a plain matMul after an explicit transpose is much
 * faster than a matMul with transpose flags.
 */
export class MlpJacobian {
  /** h_{l-1} per layer (h_0 = the input). */
  private readonly inputs: Tensor2D[] = [];
  /** h_{l-1}^T per layer. */
  private readonly inputsT: Tensor2D[] = [];
  /** 1 - h_l^2 per hidden layer. */
  private readonly slopes: Tensor2D[] = [];
  /** W_l and W_l^T per layer. */
  private readonly weights: Tensor2D[] = [];
  private readonly weightsT: Tensor2D[] = [];
  /** The MLP's output at the cached point (kept for callers that need it, e.g. softmax). */
  readonly output: Tensor2D;

  /** @param pieces the MLP's weights and biases in `mlpShapes` order; @param x inputs [B, in]. */
  constructor(pieces: readonly Tensor[], x: Tensor2D) {
    const layers = pieces.length / 2;
    this.output = tf.tidy(() => {
      let h: Tensor2D = x;
      for (let l = 0; l < layers; l++) {
        const W = pieces[2 * l] as Tensor2D;
        this.inputs.push(tf.keep(tf.clone(h)));
        this.inputsT.push(tf.keep(tf.transpose(h)));
        this.weights.push(tf.keep(tf.clone(W)));
        this.weightsT.push(tf.keep(tf.transpose(W)));
        const z = tf.add(tf.matMul(h, W), pieces[2 * l + 1]!) as Tensor2D;
        if (l + 1 === layers) return z;
        h = fastTanh(z);
        this.slopes.push(tf.keep(tf.sub(1, tf.square(h)) as Tensor2D));
      }
      throw new Error('MlpJacobian: an MLP needs at least one layer');
    });
  }

  /** The output's directional derivative [B, out] along the parameter direction `v` (pieces). */
  jvp(v: readonly Tensor[]): Tensor2D {
    return tf.tidy(() => {
      let dh: Tensor2D | null = null;
      const layers = this.weights.length;
      for (let l = 0; l < layers; l++) {
        let dz = tf.add(tf.matMul(this.inputs[l]!, v[2 * l] as Tensor2D), v[2 * l + 1]!);
        if (dh) dz = tf.add(dz, tf.matMul(dh, this.weights[l]!));
        if (l + 1 === layers) return dz as Tensor2D;
        dh = tf.mul(dz, this.slopes[l]!) as Tensor2D;
      }
      throw new Error('unreachable');
    });
  }

  /** The parameter cotangent (pieces, `mlpShapes` order) of an output cotangent g [B, out]. */
  vjp(g: Tensor2D): Tensor[] {
    return tf.tidy(() => {
      const layers = this.weights.length;
      const out: Tensor[] = new Array(2 * layers);
      let gz: Tensor2D = g;
      for (let l = layers - 1; l >= 0; l--) {
        out[2 * l] = tf.matMul(this.inputsT[l]!, gz);
        out[2 * l + 1] = tf.sum(gz, 0);
        if (l > 0) gz = tf.mul(tf.matMul(gz, this.weightsT[l]!), this.slopes[l - 1]!) as Tensor2D;
      }
      return out;
    });
  }

  dispose(): void {
    tf.dispose([
      ...this.inputs,
      ...this.inputsT,
      ...this.slopes,
      ...this.weights,
      ...this.weightsT,
      this.output,
    ]);
  }
}

/** Per-row weights as a [B, 1] column: `weights`, or 1/B each (the mean over rows). */
export function rowWeights(weights: Tensor1D | undefined, batch: number, name: string): Tensor2D {
  if (!weights) return tf.fill([batch, 1], 1 / batch) as Tensor2D;
  if (weights.rank !== 1 || weights.shape[0] !== batch) {
    throw new RangeError(
      `${name}: weights must have shape [${batch}] (one per observation), got [${weights.shape.join(', ')}]`,
    );
  }
  return tf.reshape(weights, [batch, 1]) as Tensor2D;
}
