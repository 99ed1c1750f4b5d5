import { defineConfig } from 'vite';

// A static site: relative asset URLs ('./') so dist/ works from any folder of any static file
// server; the worker is an ES module (it imports the bomrl packages).
export default defineConfig({
  base: './',
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
});
