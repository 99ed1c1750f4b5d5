import { packageBuild } from '../../tsup.shared';

// tfjs-core's gradient registration modules are bundled (they cannot be deep-imported under
// plain Node ESM); everything else from tfjs stays external so there is one engine per process.
export default packageBuild(
  { index: 'src/index.ts' },
  {
    noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
    external: [/^@tensorflow\/tfjs-core$/, /^@tensorflow\/tfjs-(backend|node)/],
  },
);
