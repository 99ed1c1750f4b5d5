import { packageBuild } from '../../tsup.shared';

// `cli` is the `bomrl` bin: src/cli/bin.ts starts with `#!/usr/bin/env node`, which esbuild
// keeps at the top of dist/cli.js and dist/cli.cjs (tsup then marks them executable).
export default packageBuild({ index: 'src/index.ts', cli: 'src/cli/bin.ts' });
