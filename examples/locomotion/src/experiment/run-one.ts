/**
 * One run of the suite, resumable: train (continuing from the checkpoint when there is one),
 * meta-test on the held-out tasks after 0..3 adaptation rounds, copy the small files into
 * results/, and write the completion file last. A run whose completion file exists is never
 * touched again.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  loadConfigFile,
  type MetaTestResults,
  metaTest,
  RunDirectory,
  readCheckpoint,
  train,
  writeJsonAtomic,
} from '@bomrl/trainer';
import {
  type Family,
  META_TEST_ROUNDS,
  type PlannedRun,
  REPO_ROOT,
  SCALES,
  type Scale,
} from './suite-plan';

/** Written last into a run's result directory: its presence means the run is finished. */
export const COMPLETE_FILE = 'complete.json';
/** One line per start of a run (in the run directory, outside git): attempts and resume points. */
export const ATTEMPTS_FILE = 'attempts.jsonl';
/** The small files copied from the trainer's run directory into results/. */
export const RESULT_FILES = ['config.json', 'metrics.jsonl', 'metrics.csv', 'run.json'];
/** The meta-test results' name in results/ (the trainer writes them as results.json). */
export const META_TEST_FILE = 'meta-test.json';

/** The completion file's content: what was run, at which scale (as defined when it ran). */
export interface CompletedRun {
  readonly family: Family;
  readonly method: string;
  readonly seed: number;
  readonly scale: string;
  readonly scaleSettings: Scale;
  readonly iterations: number;
  /** The code that finished the run (null outside a git checkout), so each number is traceable. */
  readonly code: CodeVersion | null;
}

/** The git commit of the checkout, and whether tracked source files differed from it. */
export interface CodeVersion {
  readonly commit: string;
  /** Uncommitted changes to tracked code or configs (results and docs excluded). */
  readonly dirty: boolean;
}

/** The repository's commit and dirtiness, or null when git or the checkout is unavailable. */
export function codeVersion(root: string = REPO_ROOT): CodeVersion | null {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: 'pipe' }).trim();
    const commit = git('rev-parse', 'HEAD');
    // the files measurements write themselves (results, the cost table, READMEs) do not count
    const changed = git(
      'status',
      '--porcelain',
      '--untracked-files=no',
      '--',
      '.',
      ':!results',
      ':!**/config-costs.json',
      ':!**/*.md',
    );
    return { commit, dirty: changed !== '' };
  } catch {
    return null;
  }
}

/** An attempt log line written when a run starts: where it resumed from. */
export interface AttemptStart {
  readonly attempt: number;
  readonly resumedFromIteration: number;
  readonly startedAt: string;
  readonly finished?: undefined;
}

/** An attempt log line written when a run finishes. */
export interface AttemptFinish {
  readonly attempt: number;
  readonly finished: true;
  readonly seconds: number;
}

/** One line of the attempt log: a start or a finish. */
export type Attempt = AttemptStart | AttemptFinish;

/** Options of {@link runOne}. */
export interface RunOneOptions {
  /** The scale's name (a key of SCALES). */
  readonly scale: string;
  readonly log?: (line: string) => void;
}

/** Whether the run finished (its completion file exists). */
export function isComplete(run: PlannedRun): boolean {
  return fs.existsSync(path.join(run.resultDir, COMPLETE_FILE));
}

/** The lines of a run's attempt log: one per start, one per finish (empty if it never started). */
export function readAttempts(run: PlannedRun): Attempt[] {
  const file = path.join(run.runDir, ATTEMPTS_FILE);
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l): Attempt => JSON.parse(l));
}

/** Trains, meta-tests and files one planned run. */
export async function runOne(
  run: PlannedRun,
  { scale, log = () => {} }: RunOneOptions,
): Promise<{ results: MetaTestResults; seconds: number }> {
  const s = SCALES[scale];
  if (!s) throw new Error(`--scale: unknown scale '${scale}'; use one of ${Object.keys(SCALES)}`);
  const config = loadConfigFile(run.configFile, run.overrides);
  const trainDir = path.join(run.runDir, 'train');
  const trainRun = new RunDirectory(trainDir);
  // A run killed before its first checkpoint has nothing to resume: start it afresh.
  const resume = trainRun.hasCheckpoint();
  if (!resume) fs.rmSync(trainDir, { recursive: true, force: true });
  const from = resume ? readCheckpoint(trainRun).iteration : 0;
  const previous = readAttempts(run).filter((a) => !a.finished).length;
  fs.mkdirSync(run.runDir, { recursive: true });
  fs.appendFileSync(
    path.join(run.runDir, ATTEMPTS_FILE),
    `${JSON.stringify({ attempt: previous + 1, resumedFromIteration: from, startedAt: new Date().toISOString() })}\n`,
  );
  const t0 = performance.now();
  const result = await train(config, {
    out: trainDir,
    resume,
    log,
    onProgress: ({ done, total, metrics }) =>
      log(
        `[${config.name}] iteration ${done}/${total}: post-adaptation return ${Number(metrics.objective).toFixed(2)}`,
      ),
  });
  if (result.status !== 'completed') throw new Error(`${config.name}: training was interrupted`);
  const results = await metaTest(trainDir, {
    rounds: META_TEST_ROUNDS,
    episodes: s.episodes,
    ...(s.testTasks === null ? {} : { tasks: s.testTasks }),
  });
  fs.mkdirSync(run.resultDir, { recursive: true });
  for (const name of RESULT_FILES) {
    fs.copyFileSync(path.join(trainDir, name), path.join(run.resultDir, name));
  }
  writeJsonAtomic(path.join(run.resultDir, META_TEST_FILE), results);
  const seconds = (performance.now() - t0) / 1000;
  fs.appendFileSync(
    path.join(run.runDir, ATTEMPTS_FILE),
    `${JSON.stringify({ attempt: previous + 1, finished: true, seconds })}\n`,
  );
  // last: its presence marks the run finished
  const completed: CompletedRun = {
    family: run.family,
    method: run.method,
    seed: run.seed,
    scale,
    // the scale's definition when the run was made: results.json reports this, not today's code
    scaleSettings: s,
    iterations: result.iterations,
    code: codeVersion(),
  };
  writeJsonAtomic(path.join(run.resultDir, COMPLETE_FILE), completed);
  return { results, seconds };
}
