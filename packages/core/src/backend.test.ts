import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { AUTO_ORDER, BackendUnavailableError, selectBackend } from './backend';

const initial = tf.getBackend();

describe('selectBackend', () => {
  afterAll(async () => {
    await tf.setBackend(initial);
  });

  it('selects cpu and wasm explicitly and reports them', async () => {
    for (const b of ['cpu', 'wasm'] as const) {
      const report = await selectBackend(b);
      expect(report.backend).toBe(b);
      expect(tf.getBackend()).toBe(b);
      expect(report.packageName).toBe(`@tensorflow/tfjs-backend-${b}`);
      expect(tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0]).toBe(6);
    }
  });

  it('auto falls back GPU -> native -> wasm and says why it skipped each', async () => {
    const report = await selectBackend('auto');
    // tfjs-node(-gpu) cannot be installed on these machines; wasm is the CPU default.
    expect(report.backend).toBe('wasm');
    expect(report.skipped.map((s) => s.backend)).toEqual(AUTO_ORDER.slice(0, 2));
    expect(report.skipped[0]!.reason).toMatch(/npm install @tensorflow\/tfjs-node-gpu/);
  });

  it('fails clearly, naming the package, for an explicit backend that is not installed', async () => {
    await expect(selectBackend('tensorflow')).rejects.toThrow(BackendUnavailableError);
    await expect(selectBackend('tensorflow')).rejects.toThrow(
      /npm install @tensorflow\/tfjs-node\b/,
    );
  });

  it('rejects an unknown backend name with the allowed values', async () => {
    await expect(selectBackend('gpu' as never)).rejects.toThrow(
      /expected one of auto, tensorflow-gpu, tensorflow, wasm, cpu/,
    );
  });
});
