import type { Random } from '@bomrl/core';

/*
 * Sampling happens in plain float64 JavaScript on values read back from tfjs, with the caller's
 * seeded generator: the same seed gives the same actions on every backend (up to float32
 * differences in the logits themselves), and the sampler gets typed arrays ready for env steps.
 */

/** One draw per row of a row-major [batch, numActions] logits array (inverse CDF). */
export function sampleCategoricalRows(
  logits: ArrayLike<number>,
  batch: number,
  numActions: number,
  rng: Random,
): Int32Array {
  const out = new Int32Array(batch);
  const p = new Float64Array(numActions);
  for (let b = 0; b < batch; b++) {
    const row = b * numActions;
    let max = Number.NEGATIVE_INFINITY;
    for (let a = 0; a < numActions; a++) max = Math.max(max, logits[row + a]!);
    let total = 0;
    for (let a = 0; a < numActions; a++) {
      p[a] = Math.exp(logits[row + a]! - max);
      total += p[a]!;
    }
    let u = rng.float() * total;
    let choice = numActions - 1; // guards against u landing past the last bin by rounding
    for (let a = 0; a < numActions; a++) {
      u -= p[a]!;
      if (u < 0) {
        choice = a;
        break;
      }
    }
    out[b] = choice;
  }
  return out;
}

/** Index of the largest entry per row (the first one on ties). */
export function argmaxRows(values: ArrayLike<number>, batch: number, width: number): Int32Array {
  const out = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    let best = 0;
    for (let a = 1; a < width; a++) {
      if (values[b * width + a]! > values[b * width + best]!) best = a;
    }
    out[b] = best;
  }
  return out;
}

/** mean + std * N(0, 1) per entry; mean is row-major [batch, dim], std is [dim]. */
export function sampleDiagGaussianRows(
  mean: ArrayLike<number>,
  std: ArrayLike<number>,
  batch: number,
  dim: number,
  rng: Random,
): Float32Array {
  const out = new Float32Array(batch * dim);
  for (let b = 0; b < batch; b++) {
    for (let d = 0; d < dim; d++) out[b * dim + d] = mean[b * dim + d]! + std[d]! * rng.normal();
  }
  return out;
}

/** Float64 softmax of each row of a row-major [rows, cols] logits array. */
export function softmaxRows(logits: ArrayLike<number>, rows: number, cols: number): Float64Array {
  if (logits.length !== rows * cols) {
    throw new RangeError(
      `softmaxTable: got ${logits.length} logits, expected ${rows} x ${cols} = ${rows * cols}`,
    );
  }
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < cols; c++) max = Math.max(max, logits[r * cols + c]!);
    let total = 0;
    for (let c = 0; c < cols; c++) {
      const e = Math.exp(logits[r * cols + c]! - max);
      out[r * cols + c] = e;
      total += e;
    }
    for (let c = 0; c < cols; c++) out[r * cols + c] = out[r * cols + c]! / total;
  }
  return out;
}

/**
 * Splits `batch` rows into `rng.length` equal consecutive blocks (or one block for a single
 * generator) and calls `draw(firstRow, rows, generator)` per block, in order.
 */
export function forEachRowBlock(
  batch: number,
  rng: Random | readonly Random[],
  draw: (firstRow: number, rows: number, generator: Random) => void,
): void {
  const generators: readonly Random[] = Array.isArray(rng) ? rng : [rng as Random];
  const k = generators.length;
  if (k === 0 || batch % k !== 0) {
    throw new RangeError(
      `sample: ${batch} observations do not split into ${k} equal blocks, one per generator`,
    );
  }
  const rows = batch / k;
  generators.forEach((g, j) => draw(j * rows, rows, g));
}
