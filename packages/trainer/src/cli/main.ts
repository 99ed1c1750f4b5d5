import fs from 'node:fs';
import path from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { BomrlError, selectBackend } from '@bomrl/core';
import { ConfigError, loadConfigFile } from '../config/load';
import { metaTest } from '../evaluate/meta-test';
import { checkRedisUrl } from '../executor/redis-names';
import { train } from '../loop/train';
import { report } from '../report/report';
import { RunDirectoryError } from '../run/run-errors';
import { formatVerifyTable, runVerify } from '../verify/index';
import { COMMANDS, type CommandSpec, commandHelp, mainHelp } from './commands';
import { formatDuration, Progress, type ProgressSink } from './progress';
import {
  STARTER_FAMILIES,
  STARTER_METHODS,
  type StarterFamily,
  type StarterMethod,
  starterYaml,
} from './starter-config';
import { REDIS_URL_ENV, runWorker } from './worker-command';

/** Where the CLI writes, and whether it owns the process's Ctrl-C. */
export interface CliIO {
  readonly stdout: ProgressSink;
  readonly stderr: ProgressSink;
  /** Install a SIGINT handler during `train` (default true). */
  readonly handleSigint?: boolean;
}

/** Thrown for a bad command line; printed with the command's usage, exit code 2. */
/** A bad command line (unknown command, option or value); the CLI prints it with the usage. */
class UsageError extends BomrlError {
  static override readonly code: string = 'BOMRL_USAGE';
  override get name(): string {
    return 'UsageError';
  }
}

type Values = Record<string, string | boolean | string[] | undefined>;

function parse(spec: CommandSpec, argv: readonly string[]) {
  const options: ParseArgsConfig['options'] = {};
  for (const [name, o] of Object.entries(spec.options)) {
    options[name] = {
      type: o.type,
      ...(o.short ? { short: o.short } : {}),
      ...(o.multiple ? { multiple: true } : {}),
    };
  }
  try {
    const { values, positionals } = parseArgs({
      // `pnpm <script> -- --json` passes the `--` through: a lone separator before any option
      // would turn every option after it into a positional, so it is dropped.
      args: argv.filter((a, i) => !(a === '--' && i === argv.indexOf('--'))),
      options,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Values, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function intOption(values: Values, name: string, min: number): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(n) || n < min) {
    throw new UsageError(`--${name} must be an integer >= ${min}, got '${String(raw)}'`);
  }
  return n;
}

function onePositional(positionals: readonly string[], what: string): string {
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? `missing ${what}`
        : `expected one ${what}, got ${positionals.length}`,
    );
  }
  return positionals[0]!;
}

/** The signals that stop a training run gracefully, with their conventional exit codes. */
const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;

async function trainCommand(values: Values, positionals: string[], io: CliIO): Promise<number> {
  const file = onePositional(positionals, '<config> file');
  if (values.out === '') throw new UsageError('--out must not be empty');
  const config = loadConfigFile(file, (values.set as string[] | undefined) ?? []);
  const out = (values.out as string | undefined) ?? path.join('runs', config.name);
  const redis = redisUrl(values.executor as string | undefined, '--executor');
  const stop = new AbortController();
  const force = new AbortController();
  let exitCode = 130;
  const onSignal = (signal: keyof typeof STOP_SIGNALS) => {
    exitCode = STOP_SIGNALS[signal];
    if (stop.signal.aborted) {
      io.stderr.write(`\n${signal} again: saving the last completed iteration and exiting\n`);
      force.abort();
      process.exit(exitCode);
    }
    io.stderr.write(
      `\n${signal}: stopping after this iteration and writing a checkpoint (Ctrl-C again to save the last completed iteration and quit now)\n`,
    );
    stop.abort();
  };
  const handlers = Object.keys(STOP_SIGNALS).map((s) => {
    const signal = s as keyof typeof STOP_SIGNALS;
    return [signal, () => onSignal(signal)] as const;
  });
  if (io.handleSigint !== false) for (const [s, h] of handlers) process.on(s, h);
  let progress: Progress | undefined;
  const started = Date.now();
  let lastLine = started;
  try {
    const result = await train(config, {
      out,
      resume: values.resume === true,
      acceptConfigChange: values['accept-config-change'] === true,
      ...(redis ? { redis } : {}),
      signal: stop.signal,
      forceSignal: force.signal,
      log: (line) => io.stdout.write(`${line}\n`),
      onProgress: (p) => {
        progress ??= new Progress('train', p.total, io.stdout, { startedAt: started });
        const o = p.metrics.objective;
        progress.update(p.done, typeof o === 'number' ? `objective ${o.toFixed(4)}` : '');
        lastLine = Date.now();
      },
      // a paper-size BO-MRL iteration takes minutes: say how far it has got (a TTY redraws its
      // line; a log gets a line at most every 30 s)
      onWork: (w) => {
        const text = `train iteration ${w.iteration + 1}: ${w.phase} ${w.done}/${w.total}`;
        if (io.stdout.isTTY) io.stdout.write(`\r${text}\x1b[K`);
        else if (Date.now() - lastLine >= 30_000) {
          io.stdout.write(`${text} (${formatDuration((Date.now() - started) / 1000)} elapsed)\n`);
          lastLine = Date.now();
        }
      },
    });
    if (result.status === 'interrupted') {
      const sets = ((values.set as string[] | undefined) ?? []).map((x) => ` --set ${x}`).join('');
      io.stdout.write(
        `interrupted after ${result.iterations} iterations; resume with: bomrl train ${file} --out ${out}${sets} --resume\n`,
      );
      return exitCode;
    }
    io.stdout.write(`done: ${result.iterations} iterations in ${out}\n`);
    return 0;
  } finally {
    if (io.handleSigint !== false) for (const [s, h] of handlers) process.off(s, h);
  }
}

/** A Redis URL option: checked, or `redis`/absent with BOMRL_REDIS_URL set for `worker`. */
function redisUrl(raw: string | undefined, option: string): string | undefined {
  const url =
    raw === 'redis' || (raw === undefined && option === '--redis')
      ? process.env[REDIS_URL_ENV]
      : raw;
  if (url === undefined || url === '') {
    if (raw !== undefined) throw new UsageError(`${option} redis: ${REDIS_URL_ENV} is not set`);
    return undefined;
  }
  try {
    return checkRedisUrl(url, option);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function workerCommand(values: Values, positionals: string[], io: CliIO): Promise<number> {
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const url = redisUrl(values.redis as string | undefined, '--redis');
  if (!url) throw new UsageError(`missing --redis <url> (or set ${REDIS_URL_ENV})`);
  return runWorker({
    url,
    concurrency: intOption(values, 'concurrency', 1) ?? 1,
    lockSeconds: intOption(values, 'lock-seconds', 1) ?? 30,
    stderr: io.stderr,
  });
}

async function initCommand(values: Values, positionals: string[], io: CliIO): Promise<number> {
  if (positionals.length !== 2) throw new UsageError('expected <family> <method>');
  const [family, method] = positionals as [string, string];
  const families: readonly string[] = STARTER_FAMILIES;
  const methods: readonly string[] = STARTER_METHODS;
  if (!families.includes(family)) {
    throw new UsageError(`unknown family '${family}'; one of ${families.join(', ')}`);
  }
  if (!methods.includes(method)) {
    throw new UsageError(`unknown method '${method}'; one of ${methods.join(', ')}`);
  }
  const out = (values.out as string | undefined) ?? `${family}-${method}.yaml`;
  if (out === '') throw new UsageError('--out must not be empty');
  const text = starterYaml(family as StarterFamily, method as StarterMethod);
  try {
    fs.writeFileSync(out, text, { flag: 'wx' });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new Error(
      e.code === 'EEXIST'
        ? `${out} already exists; choose another --out`
        : `cannot write ${out}: ${e.message}`,
    );
  }
  io.stdout.write(`wrote ${out}; train it with: bomrl train ${out}\n`);
  return 0;
}

async function testCommand(values: Values, positionals: string[], io: CliIO): Promise<number> {
  const dir = onePositional(positionals, '<run-dir>');
  const rounds = intOption(values, 'rounds', 0);
  const tasks = intOption(values, 'tasks', 1);
  const seeds = intOption(values, 'seeds', 1);
  const episodes = intOption(values, 'episodes', 1);
  let progress: Progress | undefined;
  const results = await metaTest(dir, {
    ...(rounds === undefined ? {} : { rounds }),
    ...(tasks === undefined ? {} : { tasks }),
    ...(seeds === undefined ? {} : { seeds }),
    ...(episodes === undefined ? {} : { episodes }),
    allowIncomplete: values['allow-incomplete'] === true,
    onProgress: (done, total) => {
      progress ??= new Progress('test', total, io.stdout);
      progress.update(done);
    },
  });
  const f = (x: number) => x.toFixed(4);
  io.stdout.write(
    `${results.method}: ${results.tasks} held-out tasks x ${results.seeds} seed(s)\n`,
  );
  for (const r of results.rounds) {
    const exact = r.exactReturn
      ? `  exact J ${f(r.exactReturn.mean)} ± ${f(r.exactReturn.stderr)}  gap ${f(r.optimalityGap?.mean ?? Number.NaN)}`
      : '';
    io.stdout.write(
      `round ${r.round}: return ${f(r.return.mean)} ± ${f(r.return.stderr)}  discounted ${f(r.discountedReturn.mean)} ± ${f(r.discountedReturn.stderr)}${exact}\n`,
    );
  }
  io.stdout.write(`wrote ${path.join(dir, 'results.json')}\n`);
  return 0;
}

async function reportCommand(values: Values, positionals: string[], io: CliIO): Promise<number> {
  if (positionals.length === 0) throw new UsageError('missing <run-dir>');
  const out = values.out as string | undefined;
  const written = report(positionals, out === undefined ? {} : { out });
  for (const f of written.files) io.stdout.write(`wrote ${f}\n`);
  return 0;
}

async function verifyCommand(values: Values, positionals: string[], io: CliIO): Promise<number> {
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const tasks = intOption(values, 'tasks', 1);
  const seed = intOption(values, 'seed', 0);
  // progress and the backend go to stderr so `--json` leaves stdout pure JSON
  const backend = await selectBackend('auto');
  io.stderr.write(`bomrl verify: backend ${backend.backend}\n`);
  const result = runVerify({
    onCase: (c) =>
      io.stderr.write(
        `  ${c.family} ${c.operator}: tfjs ${c.tfjsRelativeError.toExponential(2)}, float64 ${c.float64RelativeError.toExponential(2)}\n`,
      ),
    ...(tasks === undefined ? {} : { tasks }),
    ...(seed === undefined ? {} : { seed }),
  });
  io.stdout.write(
    values.json === true ? `${JSON.stringify(result, null, 2)}\n` : formatVerifyTable(result),
  );
  return result.pass ? 0 : 1;
}

const HANDLERS: Record<string, (v: Values, p: string[], io: CliIO) => Promise<number>> = {
  train: trainCommand,
  test: testCommand,
  report: reportCommand,
  init: initCommand,
  verify: verifyCommand,
  worker: workerCommand,
};

/**
 * Runs `bomrl <argv>` and returns the exit code (0 ok, 1 failure, 2 usage, config or run-directory error,
 * 130 interrupted). Never calls process.exit itself except on a second Ctrl-C.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(mainHelp());
    return name === undefined ? 2 : 0;
  }
  const spec = COMMANDS.find((c) => c.name === name);
  if (!spec) {
    io.stderr.write(`bomrl: unknown command '${name}'\n\n${mainHelp()}`);
    return 2;
  }
  try {
    const { values, positionals } = parse(spec, rest);
    if (values.help === true) {
      io.stdout.write(commandHelp(spec));
      return 0;
    }
    return await HANDLERS[spec.name]!(values, positionals, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`bomrl ${spec.name}: ${error.message}\n\n${commandHelp(spec)}`);
      return 2;
    }
    if (error instanceof ConfigError || error instanceof RunDirectoryError) {
      io.stderr.write(`bomrl ${spec.name}: ${error.message}\n`);
      return 2;
    }
    io.stderr.write(`bomrl ${spec.name}: ${(error as Error).message}\n`);
    return 1;
  }
}
