import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunDirectoryError } from './run-errors';
import { checkRunTarget, createRunDirectory, isRunDirectory } from './run-path';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'bomrl-path-'));

describe('checkRunTarget / createRunDirectory', () => {
  it('accepts a new path, an empty directory and a run; refuses everything else by name', () => {
    const root = tmp();
    expect(() => checkRunTarget(path.join(root, 'a', 'b'))).not.toThrow();
    expect(fs.existsSync(path.join(root, 'a'))).toBe(false); // checking creates nothing
    expect(() => checkRunTarget(root)).not.toThrow(); // empty
    fs.writeFileSync(path.join(root, 'notes.txt'), 'mine');
    expect(() => checkRunTarget(root)).toThrow(/is not empty and is not a bomrl run directory/);
    expect(() => checkRunTarget(path.join(root, 'notes.txt'))).toThrow(/not a directory/);
    expect(() => checkRunTarget(path.join(root, 'notes.txt', 'run'))).toThrow(
      new RegExp(`'${path.join(root, 'notes.txt')}' is not a directory`),
    );
    expect(() => checkRunTarget('')).toThrow(RunDirectoryError);
    expect(() => checkRunTarget('  ')).toThrow(/must not be empty/);
    const run = path.join(root, 'run');
    fs.mkdirSync(run);
    fs.writeFileSync(path.join(run, 'run.json'), '{}');
    expect(isRunDirectory(run)).toBe(true);
    expect(() => checkRunTarget(run)).not.toThrow();
  });

  it('creates missing levels one at a time and fails fast (naming the level) where it cannot', () => {
    const root = tmp();
    createRunDirectory(path.join(root, 'x', 'y', 'z'));
    expect(fs.statSync(path.join(root, 'x', 'y', 'z')).isDirectory()).toBe(true);
    createRunDirectory(path.join(root, 'x', 'y', 'z')); // exists: fine
    fs.writeFileSync(path.join(root, 'f'), '');
    expect(() => createRunDirectory(path.join(root, 'f', 'run'))).toThrow(
      new RegExp(`cannot create '${path.join(root, 'f', 'run')}'`),
    );
  });
});
