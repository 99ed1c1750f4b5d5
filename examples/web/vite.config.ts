import { defineConfig } from 'vite';

// Timing reports about slow plugins depend on the machine's load, not on this project: noise.
const checks = { bundlerTimings: false };

// A static site of two pages: relative asset URLs ('./') so dist/ works from any folder of any
// static file server; the workers are ES modules (they import the bomrl packages).
export default defineConfig({
  base: './',
  worker: { format: 'es', rolldownOptions: { checks } },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      checks,
      input: { main: 'index.html', 'half-cheetah': 'half-cheetah.html' },
    },
  },
});
