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
});
