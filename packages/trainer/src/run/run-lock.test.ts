import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunDirectoryError } from './run-errors';
import { acquireRunLock, LOCK_FILE } from './run-lock';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'bomrl-lock-'));

/** A pid that is certainly not running: a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid!;
}

describe('acquireRunLock', () => {
  it('is exclusive: a second lock on the same directory is refused naming the owner', () => {
    const dir = tmp();
    const lock = acquireRunLock(dir);
    const owner = JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8'));
    expect(owner).toMatchObject({ pid: process.pid, host: os.hostname() });
    // the same process counts as a live owner too: one writer per directory, full stop
    expect(() => acquireRunLock(dir)).toThrow(RunDirectoryError);
    expect(() => acquireRunLock(dir)).toThrow(new RegExp(`in use by bomrl process ${process.pid}`));
    lock.release();
    lock.release(); // idempotent
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    acquireRunLock(dir).release();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('takes over a stale lock of a dead process on this host, with a message', () => {
    const dir = tmp();
    const pid = deadPid();
    fs.writeFileSync(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid, host: os.hostname(), started: 'then' }),
    );
    const lines: string[] = [];
    const lock = acquireRunLock(dir, (l) => lines.push(l));
    expect(lines).toEqual([expect.stringContaining(`stale lock of process ${pid}`)]);
    expect(JSON.parse(fs.readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('never takes over a lock of another host or one it cannot read', () => {
    const dir = tmp();
    const file = path.join(dir, LOCK_FILE);
    fs.writeFileSync(file, JSON.stringify({ pid: deadPid(), host: 'elsewhere', started: 'x' }));
    expect(() => acquireRunLock(dir)).toThrow(/on elsewhere/);
    fs.writeFileSync(file, 'garbage');
    expect(() => acquireRunLock(dir)).toThrow(/cannot read; if no bomrl process uses this run/);
    expect(fs.readFileSync(file, 'utf8')).toBe('garbage');
  });
});
