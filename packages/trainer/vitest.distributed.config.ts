import { defineConfig } from 'vitest/config';

// `pnpm test:distributed`: the built CLI as coordinator and worker processes around a
// redis-server the test starts on a free loopback port. Generous timeouts: nothing is timed.
export default defineConfig({
  test: {
    include: ['distributed/**/*.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 300_000,
    // one file, one scenario at a time: every scenario already keeps 2 cores busy
    maxWorkers: 1,
    fileParallelism: false,
  },
});
