/**
 * Reads the diagonal blocks of a block-diagonal operator from `blockSize` probe products: probe c
 * is the indicator of column c in EVERY block, so one product gives column c of all blocks at
 * once. `apply` maps a probe (length nBlocks * blockSize) to the operator times it. Returns
 * `blocks[b]`, the row-major blockSize x blockSize block of parameters
 * [b * blockSize, (b + 1) * blockSize). With nBlocks = 1 it is the dense matrix (n products).
 * The one block-Hessian assembly of the packages (Newton's tabular blocks, the block adjoint).
 */
export function probeBlocks(
  apply: (probe: Float32Array) => ArrayLike<number>,
  nBlocks: number,
  blockSize: number,
): Float64Array[] {
  const k = blockSize;
  const n = nBlocks * k;
  const blocks = Array.from({ length: nBlocks }, () => new Float64Array(k * k));
  for (let c = 0; c < k; c++) {
    const probe = new Float32Array(n);
    for (let i = c; i < n; i += k) probe[i] = 1;
    const column = apply(probe);
    for (let b = 0; b < nBlocks; b++) {
      const block = blocks[b] as Float64Array;
      for (let r = 0; r < k; r++) block[r * k + c] = column[b * k + r] as number;
    }
  }
  return blocks;
}
