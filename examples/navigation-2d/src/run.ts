/**
 * 2D navigation: meta-train BO-MRL and MAML-TRPO (sampled mode) with @bomrl/trainer, meta-test
 * each on held-out goals, print the table and write runs/<out>/<config>/{results.json, report}.
 *
 * `pnpm start` runs a SHORT version (few iterations, small batches: a smoke run that finishes in
 * about a minute); `--full` uses the configs as written (the standard settings).
 * Usage: tsx src/run.ts [--full] [--out dir] [--set key=value ...] [configs...]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  availableMethods,
  loadConfigFile,
  type MeanStderr,
  type MetaTestResults,
  metaTest,
  report,
  train,
} from '@bomrl/trainer';

const here = path.dirname(fileURLToPath(import.meta.url));
const exampleDir = path.resolve(here, '..');
const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    full: { type: 'boolean', default: false },
    out: { type: 'string', default: path.resolve(exampleDir, '../../runs/navigation-2d') },
    set: { type: 'string', multiple: true, default: [] },
    rounds: { type: 'string', default: '3' },
    tasks: { type: 'string' },
  },
});
/** The short run of `pnpm start` (the full settings are in the config files). */
const SHORT = [
  'meta.iterations=3',
  'meta.tasksPerBatch=4',
  'sampler.episodesPerTask=10',
  'policy.hidden=[32,32]',
];
const files = positionals.length
  ? positionals
  : fs
      .readdirSync(path.join(exampleDir, 'configs'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => path.join(exampleDir, 'configs', f));
const available = new Set(availableMethods());
const rows: { name: string; results: MetaTestResults; seconds: number }[] = [];
for (const file of files) {
  const config = loadConfigFile(file, [...(args.full ? [] : SHORT), ...args.set]);
  const key = `${config.method.kind}/${config.mode}`;
  if (!available.has(key)) {
    console.log(
      `skip ${config.name}: method '${key}' is not in this build of @bomrl/trainer (available: ${[...available].join(', ')})`,
    );
    continue;
  }
  const out = path.join(args.out, config.name);
  fs.rmSync(out, { recursive: true, force: true });
  const t0 = performance.now();
  await train(config, {
    out,
    onProgress: ({ done, total, metrics }) =>
      console.log(
        `[${config.name}] it ${done}/${total}: post ${Number(metrics.objective).toFixed(3)}, pre ${Number(metrics.preAdaptationReturn).toFixed(3)}`,
      ),
  });
  const results = await metaTest(out, {
    rounds: Number(args.rounds),
    ...(args.tasks ? { tasks: Number(args.tasks) } : args.full ? {} : { tasks: 5 }),
  });
  report(out);
  rows.push({ name: config.name, results, seconds: (performance.now() - t0) / 1000 });
}
const f = (s: MeanStderr) => `${s.mean.toFixed(2)} ± ${s.stderr.toFixed(2)}`;
if (rows.length) {
  const K = rows[0]?.results.rounds.length ?? 0;
  console.log(
    `\n| run | ${Array.from({ length: K }, (_, k) => `return, round ${k}`).join(' | ')} | seconds |`,
  );
  console.log(`| --- | ${Array.from({ length: K }, () => '---').join(' | ')} | --- |`);
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${r.results.rounds.map((x) => f(x.return)).join(' | ')} | ${r.seconds.toFixed(1)} |`,
    );
  }
  console.log(
    `\n(undiscounted episode return on ${rows[0]?.results.tasks} held-out goals, mean ± s.e.; ${args.full ? 'full settings' : 'SHORT run: not a result, use --full'})`,
  );
}
