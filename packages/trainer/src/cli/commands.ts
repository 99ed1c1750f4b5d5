import { STARTER_FAMILIES, STARTER_METHODS } from './starter-config';

/**
 * The CLI's commands as data: parseArgs options and --help text are generated from the same
 * table, so the help cannot drift from what is accepted.
 */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** Shown in help, e.g. `<dir>`. */
  readonly value?: string;
  readonly description: string;
}

export interface CommandSpec {
  readonly name: string;
  /** Positional arguments, e.g. `<config>`. */
  readonly args: string;
  readonly summary: string;
  /** Longer explanation (lines) under the usage. */
  readonly details: readonly string[];
  readonly options: Readonly<Record<string, OptionSpec>>;
}

const HELP: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help' };

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'train',
    args: '<config>',
    summary: 'meta-train from a YAML or JSON config into a run directory',
    details: [
      'Writes config.json (resolved), metrics.jsonl + metrics.csv, checkpoints/latest.json',
      '(every checkpointEvery iterations and on Ctrl-C), run.json and, when finished, policy.json.',
      'A checkpoint is written before the first iteration, so every run can be resumed.',
      'Ctrl-C or SIGTERM finishes the current iteration, writes a checkpoint and exits with',
      'code 130 (143 for SIGTERM); a second one saves the last completed iteration and exits.',
      'One process writes a run at a time (a lock file); numeric failures stop the run before',
      'a bad checkpoint is written, mark it failed and name the setting to change.',
      'Methods (method.kind / mode): bomrl exact|sampled, maml exact|sampled, promp sampled',
      '(ProMP: LVC inner step, PPO-clip outer, 5 Adam steps per batch), e-maml sampled',
      '(E-MAML-TRPO: MAML plus the exploration term; meta.optimizer trpo).',
    ],
    options: {
      out: {
        type: 'string',
        short: 'o',
        value: '<dir>',
        description: 'run directory (default runs/<config name>)',
      },
      set: {
        type: 'string',
        multiple: true,
        value: '<key=value>',
        description:
          'override a config field, e.g. --set meta.lr=0.01 (repeatable; values parse as JSON)',
      },
      resume: {
        type: 'boolean',
        description:
          'continue the run in --out from its checkpoint (same config; meta.iterations may grow)',
      },
      'accept-config-change': {
        type: 'boolean',
        description: 'with --resume: continue even though the config or method changed',
      },
      executor: {
        type: 'string',
        value: '<redis-url>',
        description:
          'run the per-task jobs on `bomrl worker` processes via Redis: redis://[:password@]host:port, or `redis` to read BOMRL_REDIS_URL',
      },
      help: HELP,
    },
  },
  {
    name: 'worker',
    args: '',
    summary: 'run the per-task jobs of distributed training runs on this machine, via Redis',
    details: [
      'Connects out to Redis (nothing listens here) and takes jobs of every run that uses it,',
      "building each run's policy and environments from the config its coordinator published.",
      'Workers may join and leave at any time; a job of a killed worker is retried by another',
      'after about --lock-seconds. SIGINT/SIGTERM finishes the current job, then exits.',
      'The URL may come from BOMRL_REDIS_URL instead of --redis (keeps a password off `ps`).',
    ],
    options: {
      redis: {
        type: 'string',
        value: '<url>',
        description: 'redis://[:password@]host:port[/db] (default $BOMRL_REDIS_URL)',
      },
      concurrency: {
        type: 'string',
        short: 'c',
        value: '<k>',
        description: 'jobs at a time: k worker processes, e.g. one per core (default 1)',
      },
      'lock-seconds': {
        type: 'string',
        value: '<s>',
        description:
          'job lock; longer than any stretch a job computes without yielding (default 30)',
      },
      help: HELP,
    },
  },
  {
    name: 'test',
    args: '<run-dir>',
    summary: 'meta-test a run on its held-out tasks and write results.json',
    details: [
      'For every held-out task and seed: K adaptation rounds from the trained meta-policy, fresh',
      'episodes after each round; mean ± standard error of undiscounted and discounted return,',
      'plus exact J and the optimality gap to J* where the model is known (Frozen Lake).',
    ],
    options: {
      rounds: {
        type: 'string',
        short: 'k',
        value: '<K>',
        description: 'adaptation rounds (default config metaTest.rounds)',
      },
      tasks: {
        type: 'string',
        short: 'n',
        value: '<N>',
        description: 'use only the first N held-out tasks (default all)',
      },
      seeds: {
        type: 'string',
        value: '<S>',
        description: 'seeds per task (default config metaTest.seeds)',
      },
      episodes: {
        type: 'string',
        value: '<E>',
        description:
          'evaluation episodes per task per round (default config sampler.episodesPerTask)',
      },
      'allow-incomplete': {
        type: 'boolean',
        description: 'evaluate an unfinished run at its checkpoint (recorded in results.json)',
      },
      help: HELP,
    },
  },
  {
    name: 'report',
    args: '<run-dir> [<run-dir> ...]',
    summary: 'write SVG plots and a Markdown summary from one or more runs',
    details: [
      'Files: training-curve.svg, meta-test-return.svg, meta-test-undiscounted.svg,',
      'optimality-gap.svg (where J* is known) and summary.md; one series per run.',
    ],
    options: {
      out: {
        type: 'string',
        short: 'o',
        value: '<dir>',
        description: 'output directory (default <first run-dir>/report)',
      },
      help: HELP,
    },
  },
  {
    name: 'init',
    args: '<family> <method>',
    summary: 'write a starter YAML config for a task family and method',
    details: [
      `Families: ${STARTER_FAMILIES.join(', ')}.`,
      `Methods: ${STARTER_METHODS.join(', ')}.`,
      'The file names config.schema.json of @bomrl/trainer, so editors complete and check it.',
    ],
    options: {
      out: {
        type: 'string',
        short: 'o',
        value: '<file>',
        description: 'where to write it (default <family>-<method>.yaml; never overwritten)',
      },
      help: HELP,
    },
  },
  {
    name: 'verify',
    args: '',
    summary: 'check exact-mode meta-gradients against float64 finite differences',
    details: [
      'Also checks the sampled estimators of ProMP (LVC inner gradient and Hessian) and E-MAML',
      '(exploration term) on a tabular task with every trajectory enumerated.',
      'Exits 0 when every case is within tolerance, 1 otherwise.',
    ],
    options: {
      json: { type: 'boolean', description: 'print the report as JSON instead of a table' },
      tasks: {
        type: 'string',
        value: '<N>',
        description: 'random Frozen Lake maps per family (default 3)',
      },
      seed: { type: 'string', value: '<S>', description: 'seed of the maps and phi (default 0)' },
      help: HELP,
    },
  },
];

function optionLines(options: CommandSpec['options']): string[] {
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}`;
    return [flag, o.description] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length));
  return rows.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`);
}

/** `bomrl <command> --help`. */
export function commandHelp(spec: CommandSpec): string {
  return [
    `Usage: bomrl ${spec.name}${spec.args ? ` ${spec.args}` : ''} [options]`,
    '',
    `${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.`,
    ...spec.details,
    '',
    'Options:',
    ...optionLines(spec.options),
    '',
  ].join('\n');
}

/** `bomrl --help`. */
export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: bomrl <command> [options]',
    '',
    'Meta-reinforcement learning (BO-MRL, MAML) on TensorFlow.js.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help  show this help (also: bomrl <command> --help)',
    '',
    'Example:',
    '  bomrl init frozen-lake maml --out fl.yaml',
    '  bomrl train fl.yaml --out runs/fl --set meta.iterations=50',
    '  bomrl test runs/fl --rounds 4 && bomrl report runs/fl',
    '',
  ].join('\n');
}
