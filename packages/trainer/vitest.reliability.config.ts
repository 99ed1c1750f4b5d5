import { defineConfig } from 'vitest/config';

// `pnpm test:reliability`: drives the built CLI (dist/cli.js) with real processes, signals and
// files. Generous timeouts: nothing here is timed, a slow machine only makes it slower.
export default defineConfig({
  test: {
    include: ['reliability/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // each file starts CLI processes of its own; two files at a time keep 2 cores busy
    maxWorkers: 2,
  },
});
