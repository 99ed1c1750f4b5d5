/** Command-line options of the demo. */
import path from 'node:path';
import { parseArgs } from 'node:util';

export interface DemoArgs {
  /** Output directory (default `<repo>/runs/demo`). */
  readonly out: string;
  /** Overrides meta.iterations of every run. */
  readonly iterations?: number;
  /** Meta-test on only the first N held-out maps. */
  readonly tasks?: number;
  /** 'auto' | 'cpu' | 'wasm' (default: the configs' backend). */
  readonly backend?: string;
  /** Whether BO-MRL Alg(2) is trained and tested (`--no-alg2` leaves it out). */
  readonly alg2: boolean;
  readonly quiet: boolean;
}

const USAGE =
  'usage: pnpm demo [--out DIR] [--iterations N] [--tasks N] [--backend auto|cpu|wasm] [--no-alg2] [--quiet]';

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name} must be a positive integer, got '${value}'\n${USAGE}`);
  return n;
}

export function parseDemoArgs(argv: readonly string[], repoRoot: string): DemoArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      out: { type: 'string', default: path.join(repoRoot, 'runs', 'demo') },
      iterations: { type: 'string' },
      tasks: { type: 'string' },
      backend: { type: 'string' },
      'no-alg2': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
  });
  return {
    out: path.resolve(values.out),
    iterations: positiveInt('iterations', values.iterations),
    tasks: positiveInt('tasks', values.tasks),
    backend: values.backend,
    alg2: !values['no-alg2'],
    quiet: values.quiet,
  };
}

/** The config overrides the options imply, passed to every run. */
export function configOverrides(args: DemoArgs): string[] {
  return [
    ...(args.iterations ? [`meta.iterations=${args.iterations}`] : []),
    ...(args.backend ? [`backend=${args.backend}`] : []),
  ];
}
