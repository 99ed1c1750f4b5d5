import { packageBuild } from '../../tsup.shared';

// Three entry points so tabular users never load MuJoCo (`@bomrl/envs/mujoco` is its own bundle).
export default packageBuild(
  { index: 'src/index.ts', tabular: 'src/tabular/index.ts', mujoco: 'src/mujoco/index.ts' },
  { platform: 'neutral', external: ['@mujoco/mujoco'], splitting: true },
);
