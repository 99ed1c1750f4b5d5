import { describe, expect, it } from 'vitest';
import { probeBlocks } from './hessian-blocks';

describe('probeBlocks', () => {
  it('reads every diagonal block of a block-diagonal matrix exactly from blockSize products', () => {
    // three 2x2 blocks with distinct integer entries: any mixed-up index shows as a wrong entry
    const blocks = [
      [1, 2, 3, 4],
      [5, -6, 7, 8],
      [-9, 10, 11, 12],
    ];
    let products = 0;
    const apply = (v: Float32Array) => {
      products++;
      const out = new Float64Array(6);
      for (let b = 0; b < 3; b++)
        for (let r = 0; r < 2; r++)
          for (let c = 0; c < 2; c++) out[2 * b + r]! += blocks[b]![2 * r + c]! * v[2 * b + c]!;
      return out;
    };
    const read = probeBlocks(apply, 3, 2);
    expect(read.map((b) => Array.from(b))).toEqual(blocks);
    expect(products).toBe(2);
  });
});
