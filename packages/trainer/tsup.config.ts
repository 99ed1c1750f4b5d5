import { packageBuild } from '../../tsup.shared';

// `cli` is the `bomrl` bin: src/cli/bin.ts starts with `#!/usr/bin/env node`, which esbuild
// keeps at the top of dist/cli.js and dist/cli.cjs (tsup then marks them executable).
// `worker` is the worker-thread entry the thread-pool executor loads by file (dist/worker.js);
// `shims` gives the CommonJS build an import.meta.url to find it.
export default packageBuild(
  { index: 'src/index.ts', cli: 'src/cli/bin.ts', worker: 'src/executor/worker.ts' },
  { shims: true },
);
