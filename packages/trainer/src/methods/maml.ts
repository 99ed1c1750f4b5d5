export { createMamlExactMethod, type MamlExactOptions, type MamlSettings } from './maml-exact';
export { createMamlSampledMethod, type MamlSampledOptions, subSeed } from './maml-sampled';
