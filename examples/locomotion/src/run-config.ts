/**
 * One locomotion run: meta-train a config with @bomrl/trainer's train(), meta-test it on held-out
 * tasks, write the report. Used by `pnpm start` (src/run.ts) and the smoke test.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  availableMethods,
  type Config,
  loadConfigFile,
  type MetaTestResults,
  type MetricsRecord,
  metaTest,
  type RunResult,
  report,
  train,
} from '@bomrl/trainer';

/** Tiny sizes for the smoke run: one meta-iteration, a couple of short episodes. */
export const SMOKE = [
  'meta.iterations=1',
  'meta.tasksPerBatch=2',
  'sampler.episodesPerTask=2',
  'env.horizon=20',
  'env.tasks.count=4',
  'env.tasks.trainFraction=0.5',
  'policy.hidden=[16,16]',
];

/** Whether this build of the trainer has the config's method (e.g. 'bomrl/sampled'). */
export function isAvailable(config: Config): boolean {
  return availableMethods().includes(`${config.method.kind}/${config.mode}`);
}

/** Loads a locomotion config with `key=value` overrides. */
export function loadLocomotionConfig(file: string, overrides: readonly string[] = []): Config {
  return loadConfigFile(file, overrides);
}

/** Trains and meta-tests `config` into `out`; returns the metrics rows and results. */
export async function runConfig(
  config: Config,
  out: string,
  {
    rounds = 1,
    tasks,
    log = () => {},
  }: { rounds?: number; tasks?: number; log?: (line: string) => void } = {},
): Promise<{
  run: RunResult;
  results: MetaTestResults;
  metrics: MetricsRecord[];
  seconds: number;
}> {
  fs.rmSync(out, { recursive: true, force: true });
  const t0 = performance.now();
  const run = await train(config, {
    out,
    log,
    onProgress: ({ done, total, metrics }) =>
      log(
        `[${config.name}] it ${done}/${total}: post ${Number(metrics.objective).toFixed(3)}, pre ${Number(metrics.preAdaptationReturn).toFixed(3)}`,
      ),
  });
  const results = await metaTest(out, { rounds, ...(tasks ? { tasks } : {}) });
  report(out);
  const metrics = fs
    .readFileSync(path.join(out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as MetricsRecord);
  return { run, results, metrics, seconds: (performance.now() - t0) / 1000 };
}
