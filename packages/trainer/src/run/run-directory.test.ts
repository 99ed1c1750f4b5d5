import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-file';
import { RUN_FILES, RunDirectory } from './run-directory';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'bomrl-run-'));

describe('RunDirectory', () => {
  it('appends metrics, truncates after a checkpoint iteration and writes a CSV with all columns', () => {
    const run = new RunDirectory(tmp());
    run.appendMetrics({ iteration: 0, objective: 0.5 });
    run.appendMetrics({ iteration: 1, objective: 0.75, note: 'a,b' });
    run.appendMetrics({ iteration: 2, objective: 1 });
    run.truncateMetricsAfter(1);
    expect(run.readMetrics().map((r) => r.iteration)).toEqual([0, 1]);
    run.writeMetricsCsv();
    expect(fs.readFileSync(run.file(RUN_FILES.metricsCsv), 'utf8')).toBe(
      'iteration,objective,note\n0,0.5,\n1,0.75,"a,b"\n',
    );
  });

  it('round-trips JSON atomically and names the missing file', () => {
    const run = new RunDirectory(tmp());
    run.writeJson(RUN_FILES.checkpoint, { iteration: 3, params: [1, 2] });
    expect(run.hasCheckpoint()).toBe(true);
    expect(run.readJson(RUN_FILES.checkpoint)).toEqual({ iteration: 3, params: [1, 2] });
    expect(() => run.readJson(RUN_FILES.results)).toThrow(/has no results\.json/);
    // no temporary files are left behind
    expect(fs.readdirSync(path.dirname(run.file(RUN_FILES.checkpoint)))).toEqual(['latest.json']);
  });

  it('never exposes a torn file: the old content stays until the rename', () => {
    const dir = tmp();
    const f = path.join(dir, 'x.json');
    writeFileAtomic(f, 'old');
    // a writer that dies before renaming leaves only its temporary file
    const fd = fs.openSync(path.join(dir, '.x.json.999.tmp'), 'w');
    fs.writeSync(fd, 'half');
    fs.closeSync(fd);
    expect(fs.readFileSync(f, 'utf8')).toBe('old');
    writeFileAtomic(f, 'new');
    expect(fs.readFileSync(f, 'utf8')).toBe('new');
  });

  it('drops a torn last metrics line, keeps a complete one without newline, names a bad line', () => {
    const run = new RunDirectory(tmp());
    const f = run.file(RUN_FILES.metrics);
    fs.writeFileSync(f, '{"iteration":0,"x":1}\n{"iteration":1,"x":2}\n{"iteration":2,"x"');
    expect(run.readMetricsChecked()).toEqual({
      rows: [
        { iteration: 0, x: 1 },
        { iteration: 1, x: 2 },
      ],
      tornLine: '{"iteration":2,"x"',
    });
    fs.writeFileSync(f, '{"iteration":0}\n{"iteration":1}');
    expect(run.readMetricsChecked()).toEqual({ rows: [{ iteration: 0 }, { iteration: 1 }] });
    fs.writeFileSync(f, '{"iteration":0}\nnot json\n{"iteration":2}\n');
    expect(() => run.readMetrics()).toThrow(`${f}:2 is not a metrics row`);
    fs.writeFileSync(f, '{"iteration":"zero"}\n');
    expect(() => run.readMetrics()).toThrow(`${f}:1 is not a metrics row`);
  });

  it('removes stale temporary files but never a lock in the making', () => {
    const run = new RunDirectory(tmp());
    fs.mkdirSync(run.file('checkpoints'));
    for (const f of [
      '.metrics.csv.1.2.tmp',
      'checkpoints/.latest.json.3.4.tmp',
      '.bomrl-lock.5.tmp',
      'keep.tmp',
    ])
      fs.writeFileSync(run.file(f), '');
    expect(
      run
        .removeStaleTempFiles()
        .map((f) => path.basename(f))
        .sort(),
    ).toEqual(['.latest.json.3.4.tmp', '.metrics.csv.1.2.tmp']);
    expect(fs.readdirSync(run.dir).sort()).toEqual([
      '.bomrl-lock.5.tmp',
      'checkpoints',
      'keep.tmp',
    ]);
  });

  it('a failed write names the file and leaves no temporary file', () => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'target.json')); // renaming a file over a directory fails
    expect(() => writeFileAtomic(path.join(dir, 'target.json'), 'x')).toThrow(
      `cannot write ${path.join(dir, 'target.json')}:`,
    );
    expect(fs.readdirSync(dir)).toEqual(['target.json']);
  });
});
