import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Gradient configs that are correct to second order.
 *
 * Why: tfjs's gradients for exp, tanh, sigmoid, softmax and elu reuse the op's SAVED OUTPUT.
 * Under nested `tf.grad` (Hessian-vector products) the outer tape does not connect that saved
 * output to the op's input, so the second derivative silently loses a term (tensorflow/tfjs#3252).
 * Each config below saves the INPUT and recomputes the output inside the backward pass, where
 * the outer tape records it. Comparison and logical kernels get zero gradients, so paths
 * through `max`, `where`, `relu` and friends can be differentiated twice instead of throwing.
 */

function saveInput(
  name: string,
  kernelName: string,
  grad: (dy: Tensor, x: Tensor) => Tensor,
): GradConfig {
  return {
    kernelName,
    inputsToSave: [name],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
      const [x] = saved as [Tensor];
      return { [name]: () => grad(dy as Tensor, x) };
    },
  };
}

const exp = saveInput('x', 'Exp', (dy, x) => tf.mul(dy, tf.exp(x)));

const tanh = saveInput('x', 'Tanh', (dy, x) => {
  const y = tf.tanh(x);
  return tf.mul(dy, tf.sub(1, tf.square(y)));
});

const sigmoid = saveInput('x', 'Sigmoid', (dy, x) => {
  const y = tf.sigmoid(x);
  return tf.mul(dy, tf.mul(y, tf.sub(1, y)));
});

const elu = saveInput('x', 'Elu', (dy, x) =>
  tf.mul(dy, tf.where(tf.greater(x, 0), tf.onesLike(x), tf.exp(tf.minimum(x, 0)))),
);

const softmax: GradConfig = {
  kernelName: 'Softmax',
  inputsToSave: ['logits'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs?: NamedAttrMap) => {
    const [logits] = saved as [Tensor];
    const dim = (attrs?.dim as number | undefined) ?? -1;
    return {
      logits: () => {
        const y = tf.softmax(logits, dim);
        const dyTimesY = tf.mul(dy as Tensor, y);
        return tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [dim], true), y));
      },
    };
  },
};

/** Swaps the last two axes; explicit so wasm runs a plain (fast) MatMul afterwards. */
function transposeLast2(x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  const n = perm.length;
  [perm[n - 2], perm[n - 1]] = [perm[n - 1]!, perm[n - 2]!];
  return tf.transpose(x, perm);
}

/**
 * MatMul gradient with explicit transposes. Mathematically identical to tfjs's; exists because
 * wasm's MatMul with transpose flags (what tfjs's gradient emits) is several times slower than
 * transpose + plain MatMul. Only rank-2 operands take this path; batched matmuls keep tfjs's
 * gradient, which also reduces broadcast batch dimensions.
 */
function matMulGrad(fallback: GradConfig | undefined): GradConfig {
  return {
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs?: NamedAttrMap) => {
      const [a, b] = saved as [Tensor, Tensor];
      const g = dy as Tensor;
      if (a.rank !== 2 || b.rank !== 2 || g.rank !== 2) {
        if (!fallback) throw new Error('bomrl: no gradient registered for BatchMatMul');
        return fallback.gradFunc(dy, saved, attrs as NamedAttrMap);
      }
      const tA = Boolean(attrs?.transposeA);
      const tB = Boolean(attrs?.transposeB);
      const T = transposeLast2;
      // C = op(A) op(B): dop(A) = dC op(B)^T, dop(B) = op(A)^T dC; undo op() on the way back.
      const opA = () => (tA ? T(a) : a);
      const opB = () => (tB ? T(b) : b);
      return {
        a: () => {
          const dOpA = tf.matMul(g, T(opB()));
          return tA ? T(dOpA) : dOpA;
        },
        b: () => {
          const dOpB = tf.matMul(T(opA()), g);
          return tB ? T(dOpB) : dOpB;
        },
      };
    },
  };
}

/** Kernels whose outputs are piecewise constant (or boolean) in their inputs. */
const ZERO_GRADIENT_KERNELS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['Equal', ['a', 'b']],
  ['NotEqual', ['a', 'b']],
  ['Greater', ['a', 'b']],
  ['GreaterEqual', ['a', 'b']],
  ['Less', ['a', 'b']],
  ['LessEqual', ['a', 'b']],
  ['LogicalAnd', ['a', 'b']],
  ['LogicalOr', ['a', 'b']],
  ['LogicalXor', ['a', 'b']],
  ['LogicalNot', ['x']],
  ['IsNan', ['x']],
  ['IsInf', ['x']],
  ['IsFinite', ['x']],
];

function zeroGradient(kernelName: string, inputs: readonly string[]): GradConfig {
  return {
    kernelName,
    inputsToSave: [...inputs],
    gradFunc: (_dy: Tensor | Tensor[], saved: Tensor[]) =>
      Object.fromEntries(
        inputs.map((name, i) => [name, () => tf.zeros(saved[i]!.shape, 'float32')]),
      ),
  };
}

/** Builds the corrected configs. `original` gives access to tfjs's own (for fallbacks). */
export function secondOrderGradientConfigs(
  original: (kernel: string) => GradConfig | undefined,
): GradConfig[] {
  return [
    exp,
    tanh,
    sigmoid,
    elu,
    softmax,
    matMulGrad(original('BatchMatMul')),
    ...ZERO_GRADIENT_KERNELS.map(([k, inputs]) => zeroGradient(k, inputs)),
  ];
}
