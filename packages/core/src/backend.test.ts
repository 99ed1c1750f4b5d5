import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
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

  it('does not print tfjs-backend-cpu\'s "running TensorFlow.js in Node.js" banner when it selects cpu', async () => {
    const banner = /looks like you are running TensorFlow\.js in Node\.js/;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      // Control: a fresh cpu backend prints the banner on its first tensor (so this test can fail).
      const fresh = new MathBackendCPU();
      fresh.write(new Float32Array(1), [1], 'float32');
      expect(warn.mock.calls.some((c) => banner.test(String(c[0])))).toBe(true);
      fresh.dispose();
      warn.mockClear();
      // A fresh cpu backend selected through bomrl stays quiet.
      await selectBackend('wasm'); // cpu may not be active while it is replaced
      tf.removeBackend('cpu');
      tf.registerBackend('cpu', () => new MathBackendCPU(), 1);
      await selectBackend('cpu');
      expect(tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0]).toBe(6);
      expect(warn.mock.calls.some((c) => banner.test(String(c[0])))).toBe(false);
    } finally {
      warn.mockRestore();
    }
  });

  it('uses an already-registered backend without importing its package (bundled browser apps)', async () => {
    // tfjs-node is not installed here, so the runtime import() of it fails (the test above): a
    // factory registered under its engine name must be used without that import.
    tf.registerBackend('tensorflow', () => new MathBackendCPU(), 0);
    try {
      const report = await selectBackend('tensorflow');
      expect(report.backend).toBe('tensorflow');
      expect(tf.getBackend()).toBe('tensorflow');
      // kernels register per engine name, so only data round-trips (no ops) on this stand-in
      expect(Array.from(tf.tensor1d([1, 2, 3]).dataSync())).toEqual([1, 2, 3]);
      // 'tensorflow-gpu' shares the engine name, so a registered 'tensorflow' does not count for it
      await expect(selectBackend('tensorflow-gpu')).rejects.toThrow(
        /npm install @tensorflow\/tfjs-node-gpu/,
      );
    } finally {
      await selectBackend('cpu');
      tf.removeBackend('tensorflow');
    }
    await expect(selectBackend('tensorflow')).rejects.toThrow(BackendUnavailableError);
  });

  it('rejects an unknown backend name with the allowed values', async () => {
    await expect(selectBackend('gpu' as never)).rejects.toThrow(
      /expected one of auto, tensorflow-gpu, tensorflow, wasm, cpu/,
    );
  });
});
