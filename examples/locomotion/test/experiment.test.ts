// The locomotion experiment's infrastructure at the tiny `smoke` scale (HalfCheetahVel, one seed,
// MAML-TRPO and BO-MRL Alg(1)): the command runs end to end and writes results.json, report.md
// and the plots; killed mid-suite and started again it finishes without redoing finished runs and
// gives exactly the results of an uninterrupted run. Also: the README's locomotion table equals
// results.json, and the pooled statistics equal those of the raw values.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import {
  createTaskSetup,
  meanStderr,
  RunDirectory,
  readCheckpoint,
  resolveConfig,
} from '@bomrl/trainer';
import {
  collectResults,
  type LocomotionResults,
  poolMeanStderr,
  type RoundSummary,
} from '../src/experiment/collect';
import {
  formatReturn,
  README_END,
  README_START,
  type ReportedAggregate,
  type ReportedResults,
  readmeSection,
  replaceBetweenMarkers,
  resultsTable,
} from '../src/experiment/report';
import {
  type AttemptStart,
  COMPLETE_FILE,
  codeVersion,
  readAttempts,
} from '../src/experiment/run-one';
import {
  EXAMPLE_DIR,
  type Family,
  type PlannedRun,
  planRuns,
  REPO_ROOT,
} from '../src/experiment/suite-plan';

const CLI = path.join(EXAMPLE_DIR, 'src/experiment/cli.ts');
const OPTIONS: {
  readonly families: Family;
  readonly methods: string;
  readonly seeds: string;
  readonly scale: string;
} = {
  families: 'half-cheetah-vel',
  methods: 'maml-trpo,bomrl-alg1',
  seeds: '1',
  scale: 'smoke',
};
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bomrl-locomotion-suite-'));

/** How a suite process ended, and everything it printed. */
interface SuiteExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

/** Starts the suite into `dir` (results in dir/results, checkpoints in dir/runs). */
function startSuite(dir: string) {
  // the CLI is TypeScript: node runs it through tsx's loader
  const args = [
    '--import',
    'tsx',
    CLI,
    ...Object.entries(OPTIONS).flatMap(([k, v]) => [`--${k}`, v]),
  ];
  args.push('--out', path.join(dir, 'results'), '--runs', path.join(dir, 'runs'), '--no-readme');
  const child = spawn(process.execPath, args, {
    cwd: EXAMPLE_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d));
  child.stderr.on('data', (d: Buffer) => (output += d));
  const exit = new Promise<SuiteExit>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, output })),
  );
  return { child, exit };
}

async function runSuite(dir: string): Promise<LocomotionResults> {
  const { code, output } = await startSuite(dir).exit;
  assert.equal(code, 0, output);
  return JSON.parse(fs.readFileSync(path.join(dir, 'results', 'results.json'), 'utf8'));
}

const plan = (dir: string) =>
  planRuns({
    families: [OPTIONS.families],
    methods: OPTIONS.methods.split(','),
    seeds: 1,
    scale: 'smoke',
    out: path.join(dir, 'results'),
    runs: path.join(dir, 'runs'),
  });

let uninterrupted: Promise<LocomotionResults> | undefined;
const uninterruptedResults = () => (uninterrupted ??= runSuite(path.join(tmp, 'uninterrupted')));

/** One result row of a Markdown table. */
interface TableRow {
  readonly family: string;
  readonly method: string;
  readonly seeds: number;
  /** [mean, stderr] per round. */
  readonly cells: number[][];
}

/** Parses the README table rows into { family, method, cells: [mean, stderr][] }. */
function parseTable(markdown: string): TableRow[] {
  return (
    markdown
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| family') && !l.startsWith('| ---'))
      .map((l) =>
        l
          .split('|')
          .slice(1, -1)
          .map((c) => c.trim()),
      )
      // result rows only: a seed count, then round cells reading 'mean ± s.e.' (report.md has
      // other tables too, some with ± cells)
      .filter(
        (cols) =>
          cols.length > 3 &&
          /^\d+$/.test(cols[2] ?? '') &&
          cols.slice(3).every((c) => c.includes('±')),
      )
      .map((cols) => {
        return {
          family: cols[0] ?? '',
          method: cols[1] ?? '',
          seeds: Number(cols[2]),
          cells: cols.slice(3).map((c) => c.split('±').map((x) => Number(x))),
        };
      })
  );
}

/** Asserts that a README section's table holds exactly the (formatted) numbers of `results`. */
function assertTableMatches(section: string, results: ReportedResults): void {
  const rows = parseTable(section);
  assert.equal(rows.length, results.aggregates.length);
  for (const a of results.aggregates) {
    const row = rows.find(
      (r) => r.seeds === a.seeds.length && r.method.length > 0 && sameRow(r, a),
    );
    assert.ok(row, `no README row for ${a.family} ${a.method}`);
    assert.deepEqual(
      row.cells,
      a.rounds.map((r) => [Number(formatReturn(r.mean)), Number(formatReturn(r.stderr))]),
    );
  }
}
const LABELS: Record<Family, string> = {
  'half-cheetah-vel': 'HalfCheetahVel',
  'half-cheetah-dir': 'HalfCheetahDir',
  'ant-vel': 'AntVel',
  'ant-dir': 'AntDir',
};
const sameRow = (row: TableRow, a: ReportedAggregate) =>
  row.family === LABELS[a.family] && row.method === methodLabel(a.method);
const METHOD_LABELS: Record<string, string> = {
  'bomrl-alg1': 'BO-MRL Alg(1)',
  'bomrl-alg2': 'BO-MRL Alg(2)',
  'bomrl-alg3': 'BO-MRL Alg(3)',
  'maml-trpo': 'MAML-TRPO',
  promp: 'ProMP',
  'e-maml': 'E-MAML',
  'bomrl-ignore-data': "BO-MRL Alg(1) 'ignore-data'",
  'bomrl-stationary': 'BO-MRL Alg(3) stationary',
  'bomrl-lambda-0.1': 'BO-MRL Alg(1) lambda 0.1',
  'bomrl-lambda-2': 'BO-MRL Alg(1) lambda 2',
};
const methodLabel = (m: string) => METHOD_LABELS[m];

/** A synthetic run: what the report and the pooling read of a run. */
interface SyntheticRun {
  readonly family: Family;
  readonly method: string;
  readonly seed: number;
  readonly metaTest: { readonly rounds: readonly RoundSummary[] };
  readonly curve: {
    readonly iteration: readonly number[];
    readonly postAdaptationReturn: readonly number[];
  };
}

/** A small synthetic results object (two families, two methods, two seeds). */
function syntheticResults(): ReportedResults {
  const runs: SyntheticRun[] = [];
  for (const family of ['half-cheetah-vel', 'half-cheetah-dir'] as const) {
    for (const method of ['maml-trpo', 'bomrl-alg1']) {
      for (const seed of [0, 1]) {
        runs.push({
          family,
          method,
          seed,
          metaTest: {
            rounds: [0, 1, 2, 3].map((k) => ({
              round: k,
              mean: -100 + 10 * k + seed + (method === 'maml-trpo' ? 3.37 : 0),
              stderr: 1.25 + k,
              n: 5,
            })),
          },
          curve: { iteration: [0, 1, 2], postAdaptationReturn: [-120 + seed, -110, -105 - seed] },
        });
      }
    }
  }
  const aggregates: ReportedAggregate[] = [];
  for (const family of ['half-cheetah-vel', 'half-cheetah-dir'] as const) {
    for (const method of ['maml-trpo', 'bomrl-alg1']) {
      const group = runs.filter((r) => r.family === family && r.method === method);
      aggregates.push({
        family,
        method,
        seeds: [0, 1],
        rounds: [0, 1, 2, 3].map((k) => ({
          round: k,
          ...poolMeanStderr(group.map((r) => r.metaTest.rounds[k]!)),
        })),
        curve: [0, 1, 2].map((i) => ({
          iteration: i,
          ...meanStderr(group.map((r) => r.curve.postAdaptationReturn[i]!)),
        })),
      });
    }
  }
  return {
    scale: {
      name: 'smoke',
      description: 'synthetic',
      iterations: 3,
      tasksPerBatch: 2,
      episodes: 2,
      horizon: 20,
      testTasks: 2,
    },
    runs,
    aggregates,
  };
}

test('pooling (mean, s.e., n) groups equals the statistics of all their values', () => {
  const groups = [
    [1, 2, 3.5],
    [-4, 0.25],
    [7, 7.5, 8, 10],
  ];
  const pooled = poolMeanStderr(groups.map((g) => meanStderr(g)));
  const direct = meanStderr(groups.flat());
  // exact up to float rounding of the sums of squares
  assert.ok(Math.abs(pooled.mean - direct.mean) < 1e-12);
  assert.ok(Math.abs(pooled.stderr - direct.stderr) < 1e-12);
  assert.equal(pooled.n, direct.n);
});

test("the README's locomotion table equals results.json", () => {
  const file = path.join(REPO_ROOT, 'results/locomotion/results.json');
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  assert.ok(start >= 0 && end > start, 'the root README lacks the locomotion markers');
  if (fs.existsSync(file)) {
    const results = JSON.parse(fs.readFileSync(file, 'utf8'));
    assertTableMatches(readme.slice(start, end), results);
  } else {
    // no run yet: the README must not claim numbers, and the generator must be faithful
    assert.equal(
      parseTable(readme.slice(start, end)).length,
      0,
      'README has locomotion numbers but no results.json',
    );
    const results = syntheticResults();
    const updated = replaceBetweenMarkers(readme, readmeSection(results, 'results/locomotion'));
    assertTableMatches(
      updated.slice(updated.indexOf(README_START), updated.indexOf(README_END)),
      results,
    );
    assert.match(resultsTable(results), /Scale `smoke`/);
  }
});

describe('the suite at smoke scale', { concurrency: true }, () => {
  test('runs end to end and writes results.json, report.md and plots', {
    timeout: 900_000,
  }, async () => {
    const results = await uninterruptedResults();
    const dir = path.join(tmp, 'uninterrupted', 'results');
    assert.equal(results.scale?.name, 'smoke');
    assert.equal(results.runs.length, 2);
    for (const run of results.runs) {
      assert.deepEqual(
        run.metaTest.rounds.map((r) => r.round),
        [0, 1, 2, 3],
      );
      for (const r of run.metaTest.rounds)
        assert.ok(Number.isFinite(r.mean) && r.stderr >= 0 && r.n === 2);
      assert.equal(run.curve.postAdaptationReturn.length, 2);
      assert.ok(run.curve.postAdaptationReturn.every(Number.isFinite));
    }
    // BO-MRL records its lower-level stationarity at every iteration; the baselines have none
    const bomrl = results.runs.find((r) => r.method === 'bomrl-alg1');
    assert.ok(bomrl?.lowerLevel, 'no BO-MRL run with lower-level records');
    assert.ok(Object.keys(bomrl.lowerLevel).length > 0);
    for (const values of Object.values(bomrl.lowerLevel)) assert.equal(values.length, 2);
    const maml = results.runs.find((r) => r.method === 'maml-trpo');
    assert.ok(maml, 'no MAML-TRPO run');
    assert.equal(maml.lowerLevel, undefined);
    // aggregates pool the runs' rounds (one seed: equal to the run's own)
    for (const a of results.aggregates) {
      const run = results.runs.find((r) => r.method === a.method);
      assert.ok(run, `no run for ${a.method}`);
      assert.deepEqual(
        a.rounds.map((r) => r.mean),
        run.metaTest.rounds.map((r) => r.mean),
      );
    }
    assert.deepEqual(collectResults(dir), results);
    // every run names the commit that produced it (this test runs in a git checkout)
    const head = codeVersion()?.commit;
    assert.match(String(head), /^[0-9a-f]{40}$/);
    for (const run of results.runs) assert.equal(run.code?.commit, head);
    const report = fs.readFileSync(path.join(dir, 'report.md'), 'utf8');
    assert.ok(report.includes(`\`${String(head).slice(0, 12)}\``), 'report.md names the commit');
    assertTableMatches(report, results);
    for (const name of ['training-half-cheetah-vel.svg', 'meta-test-half-cheetah-vel.svg']) {
      assert.match(
        fs.readFileSync(path.join(dir, 'plots', name), 'utf8'),
        /^<svg[\s\S]*<\/svg>\n$/,
      );
    }
    // held-out tasks are disjoint from the training tasks
    const config = resolveConfig(
      JSON.parse(
        fs.readFileSync(path.join(dir, 'half-cheetah-vel/maml-trpo/seed-0/config.json'), 'utf8'),
      ),
    );
    const tasks = await createTaskSetup(config);
    const train = new Set(tasks.train.map((t) => JSON.stringify(t)));
    assert.ok(tasks.test.length > 0 && tasks.test.every((t) => !train.has(JSON.stringify(t))));
    // no checkpoints in the results directory
    assert.equal(
      fs.readdirSync(dir, { recursive: true }).filter((f) => String(f).includes('checkpoint'))
        .length,
      0,
    );
  });

  test('killed mid-suite and started again, it resumes, skips finished runs and gives the same results', {
    timeout: 900_000,
  }, async () => {
    const dir = path.join(tmp, 'interrupted');
    const [first, second] = plan(dir);
    assert.ok(first && second, 'the smoke plan has two runs');
    const { child, exit } = startSuite(dir);
    // kill once the first run is finished and the second has checkpointed a completed iteration
    // but has not finished (the trainer also checkpoints iteration 0 as soon as a run starts,
    // which would leave nothing to resume past)
    const secondTrain = new RunDirectory(path.join(second.runDir, 'train'));
    const secondCheckpointed = () =>
      secondTrain.hasCheckpoint() && readCheckpoint(secondTrain).iteration >= 1;
    let killedWhile: 'too-late' | 'second-run' | 'exited' | null = null;
    while (killedWhile === null) {
      if (fs.existsSync(path.join(second.resultDir, COMPLETE_FILE))) {
        killedWhile = 'too-late';
      } else if (fs.existsSync(path.join(first.resultDir, COMPLETE_FILE)) && secondCheckpointed()) {
        child.kill('SIGKILL');
        killedWhile = 'second-run';
      } else if (child.exitCode !== null) {
        killedWhile = 'exited';
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const killed = await exit;
    assert.equal(killedWhile, 'second-run', `the suite was not killed mid-run:\n${killed.output}`);
    assert.equal(killed.signal, 'SIGKILL');
    assert.ok(!fs.existsSync(path.join(second.resultDir, COMPLETE_FILE)));
    const firstDone = fs.statSync(path.join(first.resultDir, COMPLETE_FILE)).mtimeMs;

    const resumed = await runSuite(dir);
    // the finished run was not touched; the unfinished one resumed from its checkpoint
    assert.equal(fs.statSync(path.join(first.resultDir, COMPLETE_FILE)).mtimeMs, firstDone);
    const starts = (run: PlannedRun) =>
      readAttempts(run).filter((a): a is AttemptStart => !a.finished);
    assert.equal(starts(first).length, 1);
    assert.equal(starts(second).length, 2);
    assert.ok((starts(second)[1]?.resumedFromIteration ?? 0) >= 1);
    // and the results are exactly those of the uninterrupted suite (runs are deterministic)
    assert.deepEqual(resumed, await uninterruptedResults());
  });
});
