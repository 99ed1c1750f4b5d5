import type { Rng } from '@bomrl/core';

/*
 * Sampling happens in plain float64 JavaScript on values read back from tfjs, with the caller's
 * seeded generator: the same seed gives the same actions on every backend (up to float32
 * differences in the logits themselves), and the sampler gets typed arrays ready for env steps.
 */

/** One draw per row of a row-major [batch, nActions] logits array (inverse CDF). */
export function sampleCategoricalRows(
  logits: ArrayLike<number>,
  batch: number,
  nActions: number,
  rng: Rng,
): Int32Array {
  const out = new Int32Array(batch);
  const p = new Float64Array(nActions);
  for (let b = 0; b < batch; b++) {
    const row = b * nActions;
    let max = Number.NEGATIVE_INFINITY;
    for (let a = 0; a < nActions; a++) max = Math.max(max, logits[row + a]!);
    let total = 0;
    for (let a = 0; a < nActions; a++) {
      p[a] = Math.exp(logits[row + a]! - max);
      total += p[a]!;
    }
    let u = rng.next() * total;
    let choice = nActions - 1; // guards against u landing past the last bin by rounding
    for (let a = 0; a < nActions; a++) {
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
  rng: Rng,
): Float32Array {
  const out = new Float32Array(batch * dim);
  for (let b = 0; b < batch; b++) {
    for (let d = 0; d < dim; d++) out[b * dim + d] = mean[b * dim + d]! + std[d]! * rng.normal();
  }
  return out;
}

/**
 * Splits `batch` rows into `rng.length` equal consecutive blocks (or one block for a single
 * generator) and calls `draw(firstRow, rows, generator)` per block, in order.
 */
export function forEachRowBlock(
  batch: number,
  rng: Rng | readonly Rng[],
  draw: (firstRow: number, rows: number, generator: Rng) => void,
): void {
  const generators: readonly Rng[] = Array.isArray(rng) ? rng : [rng as Rng];
  const k = generators.length;
  if (k === 0 || batch % k !== 0) {
    throw new RangeError(
      `sample: ${batch} observations do not split into ${k} equal blocks, one per generator`,
    );
  }
  const rows = batch / k;
  generators.forEach((g, j) => draw(j * rows, rows, g));
}
