import { probeBlocks, scoped } from '@bomrl/core';
import { solveLinear } from '@bomrl/envs/tabular';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/** The result of {@link solveBlockDiagonal}. */
export interface BlockSolve {
  /** The solution (float64). */
  readonly x: Float64Array;
  /** ||M x - b|| / ||b|| with the assembled blocks. */
  readonly relativeResidual: number;
  /** States whose block is not positive definite along the solution (x^T M x < 0). */
  readonly indefiniteStates: readonly number[];
  /** Matrix-vector products used (nActions). */
  readonly products: number;
}

/**
 * Solves M x = b for a block-diagonal symmetric M with one nActions x nActions block per state
 * (the structure of -Hess_theta G for tabular softmax policies: G is a sum of per-state terms).
 * The blocks come from nActions products (probe c = the indicator of action c in every state),
 * then each block is symmetrized and solved exactly in float64: the adjoint of the implicit
 * function theorem in nActions products instead of CG's dozens.
 */
export function solveBlockDiagonal(
  matvec: (v: Tensor1D) => Tensor1D,
  b: ArrayLike<number>,
  nStates: number,
  nActions: number,
): BlockSolve {
  const S = nStates;
  const A = nActions;
  if (b.length !== S * A)
    throw new RangeError(`solveBlockDiagonal: b has ${b.length} entries, expected ${S * A}`);
  // blocks[s] is state s's row-major A x A block
  const blocks = probeBlocks(
    (probe) => scoped(() => Float64Array.from(matvec(tf.tensor1d(probe)).dataSync())),
    S,
    A,
  );
  const x = new Float64Array(S * A);
  let residual = 0;
  let bNorm = 0;
  const indefiniteStates: number[] = [];
  for (let s = 0; s < S; s++) {
    const block = blocks[s]!;
    for (let r = 0; r < A; r++) {
      for (let c = 0; c < r; c++) {
        const mean = (block[r * A + c]! + block[c * A + r]!) / 2;
        block[r * A + c] = mean;
        block[c * A + r] = mean;
      }
    }
    const rhs = Float64Array.from({ length: A }, (_, r) => b[s * A + r]!);
    const xs = solveLinear(block, rhs, A, 1e-14);
    let xMx = 0;
    for (let r = 0; r < A; r++) {
      let mx = 0;
      for (let c = 0; c < A; c++) mx += block[r * A + c]! * xs[c]!;
      residual += (mx - rhs[r]!) ** 2;
      bNorm += rhs[r]! ** 2;
      xMx += xs[r]! * mx;
    }
    if (xMx < 0) indefiniteStates.push(s);
    x.set(xs, s * A);
  }
  return {
    x,
    relativeResidual: bNorm > 0 ? Math.sqrt(residual / bNorm) : 0,
    indefiniteStates,
    products: A,
  };
}
