import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // reliability/ drives the built CLI: `pnpm test:reliability`, not part of `pnpm test`
    include: ['src/**/*.test.ts'],
    setupFiles: ['./src/test-setup.ts'],
    // Generous: a test must not fail because ~5 processes share 2 cores (heavy tests were
    // seen at 150 s under such load). Speed is measured by benchmarks, never by tests.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
