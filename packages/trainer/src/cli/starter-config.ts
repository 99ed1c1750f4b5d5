import { stringify } from 'yaml';
import type { ConfigInput } from '../config/schema';

/** Families `bomrl init` knows (every env family of the config schema). */
export const STARTER_FAMILIES = [
  'frozen-lake',
  'navigation-2d',
  'half-cheetah-vel',
  'half-cheetah-dir',
  'ant-vel',
  'ant-dir',
] as const;
/** Methods `bomrl init` knows. */
export const STARTER_METHODS = ['bomrl', 'maml', 'maml-trpo'] as const;

export type StarterFamily = (typeof STARTER_FAMILIES)[number];
export type StarterMethod = (typeof STARTER_METHODS)[number];

const TRPO = { optimizer: 'trpo', maxKl: 0.01 } as const;

function envPart(family: StarterFamily): Pick<ConfigInput, 'env' | 'policy' | 'mode'> {
  if (family === 'frozen-lake') {
    return {
      env: {
        family,
        variance: 'high',
        size: 4,
        gamma: 0.8,
        horizon: 49,
        tasks: { count: 60, seed: 7, trainFraction: 0.5 },
      },
      policy: { kind: 'tabular-softmax', initLogit: 0.1 },
      mode: 'exact',
    };
  }
  if (family === 'navigation-2d') {
    return {
      env: { family, gamma: 0.99, horizon: 100, tasks: { count: 100, seed: 7 } },
      policy: { kind: 'gaussian-mlp', hidden: [64, 64], logStdInit: 0 },
      mode: 'sampled',
    };
  }
  return {
    env: { family, gamma: 0.995, horizon: 200, tasks: { count: 100, seed: 7 } },
    policy: { kind: 'gaussian-mlp', hidden: [128, 128], logStdInit: -0.7 },
    mode: 'sampled',
  };
}

/**
 * A starter config for a family and method: the settings of the repository's example configs
 * for that family (Frozen Lake in exact mode, the continuous families sampled). It validates
 * against the schema and trains as written.
 */
export function starterConfig(family: StarterFamily, method: StarterMethod): ConfigInput {
  const base = envPart(family);
  const tabular = family === 'frozen-lake';
  const m: ConfigInput['method'] =
    method === 'bomrl'
      ? tabular
        ? { kind: 'bomrl', alg: 'reverse-kl', lambda: 5, testLambda: 0.2 }
        : {
            kind: 'bomrl',
            alg: 'forward-kl',
            lambda: 0.5,
            solver: { kind: 'adam', lr: 0.001, maxSteps: 50 },
          }
      : { kind: 'maml', alpha: tabular ? 10 : 0.1, innerSteps: 1, order: 'second' };
  const meta: ConfigInput['meta'] =
    tabular && method !== 'maml-trpo'
      ? { optimizer: 'adam', lr: 0.03, iterations: 150, tasksPerBatch: 5 }
      : { ...TRPO, iterations: tabular ? 150 : 200, tasksPerBatch: tabular ? 5 : 20 };
  return {
    name: `${family}-${method}`,
    ...base,
    method: m,
    meta,
    ...(tabular ? {} : { sampler: { episodesPerTask: 20 } }),
    metaTest: { rounds: tabular ? 4 : 3, seeds: 1 },
    seed: 0,
    backend: 'auto',
  };
}

/** The starter config as YAML, with a schema line for editor completion and a short guide. */
export function starterYaml(family: StarterFamily, method: StarterMethod): string {
  return [
    '# yaml-language-server: $schema=./node_modules/@bomrl/trainer/config.schema.json',
    `# bomrl starter config: ${method} on ${family}. Train with:`,
    `#   bomrl train <this file> --out runs/${family}-${method}`,
    '# Every field and its default: config.schema.json in @bomrl/trainer (editors complete from it).',
    stringify(starterConfig(family, method)).trimEnd(),
    '',
  ].join('\n');
}
