import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunDirectoryError } from './run-errors';

/** The lock file's content: who writes the run. */
export interface RunLockOwner {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
}

/** A held run lock; `release` is idempotent and also runs on process exit. */
export interface RunLock {
  readonly file: string;
  release(): void;
}

/** The lock file's name inside a run directory. */
export const LOCK_FILE = '.bomrl-lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): RunLockOwner | undefined {
  try {
    const o = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<RunLockOwner>;
    return typeof o.pid === 'number' && typeof o.host === 'string'
      ? { pid: o.pid, host: o.host, started: String(o.started) }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the exclusive writer lock of a run directory (which must exist). The lock is created
 * with its full content in one step (write a private file, then `link` it into place, which
 * fails if the lock exists), so a crash never leaves an empty lock. A lock whose process is
 * gone (same host, dead pid) is taken over with a message; a live one is an error naming the
 * owner. Locks from another host are never taken over: their process cannot be checked.
 */
export function acquireRunLock(dir: string, log: (line: string) => void = () => {}): RunLock {
  const file = path.join(dir, LOCK_FILE);
  const owner: RunLockOwner = {
    pid: process.pid,
    host: os.hostname(),
    started: new Date().toISOString(),
  };
  const mine = path.join(dir, `${LOCK_FILE}.${process.pid}.tmp`);
  fs.writeFileSync(mine, `${JSON.stringify(owner)}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        fs.linkSync(mine, file);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (attempt > 0) {
          throw new RunDirectoryError(
            `${file}: another process took the lock while a stale one was being recovered; try again`,
          );
        }
        const held = readOwner(file);
        const stale = held !== undefined && held.host === owner.host && !alive(held.pid);
        if (!stale) {
          throw new RunDirectoryError(
            held
              ? `'${dir}' is in use by bomrl process ${held.pid} on ${held.host} (since ${held.started}); wait for it to finish or stop it. Lock file: ${file}`
              : `'${dir}' is locked by ${file}, which this process cannot read; if no bomrl process uses this run, delete that file`,
          );
        }
        log(`taking over the stale lock of process ${held.pid} (no longer running) in ${file}`);
        fs.rmSync(file, { force: true });
      }
    }
  } finally {
    fs.rmSync(mine, { force: true });
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    // only remove the lock if it is still ours
    if (readOwner(file)?.pid === process.pid) fs.rmSync(file, { force: true });
  };
  process.on('exit', release);
  return { file, release };
}
