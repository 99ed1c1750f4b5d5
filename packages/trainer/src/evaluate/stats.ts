/** Mean and standard error of a sample. */
export interface MeanStderr {
  readonly mean: number;
  /** Sample standard deviation / sqrt(n); 0 for a single value. */
  readonly stderr: number;
  readonly n: number;
}

/** Mean and standard error (sample standard deviation, n - 1). */
export function meanStderr(values: readonly number[]): MeanStderr {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, stderr: Number.NaN, n: 0 };
  const mean = values.reduce((s, x) => s + x, 0) / n;
  if (n === 1) return { mean, stderr: 0, n };
  const variance = values.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  return { mean, stderr: Math.sqrt(variance / n), n };
}
