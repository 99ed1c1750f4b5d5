import { defineConfig } from 'vitest/config';

// The browser test drives a real Chromium: files run one at a time, generous timeouts (the machine
// may be shared; nothing here depends on its speed).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
