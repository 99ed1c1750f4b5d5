import fs from 'node:fs';
import path from 'node:path';
import { RunDirectoryError } from './run-errors';
import { LOCK_FILE } from './run-lock';

/** Files whose presence marks a directory as a bomrl run (written first by every run). */
const RUN_MARKERS = ['run.json', LOCK_FILE] as const;

/** True when `dir` exists and is a bomrl run directory (it has run.json or a run lock). */
export function isRunDirectory(dir: string): boolean {
  return RUN_MARKERS.some((f) => fs.existsSync(path.join(dir, f)));
}

/**
 * Checks, without creating anything, that a run can be written at `dir`: the path is not empty,
 * an existing `dir` is a directory that is empty or a bomrl run, and otherwise its nearest
 * existing ancestor is a writable directory. Throws {@link RunDirectoryError} naming the path.
 */
export function checkRunTarget(dir: string): void {
  if (dir.trim() === '') {
    throw new RunDirectoryError('the run directory (--out) must not be empty');
  }
  const abs = path.resolve(dir);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(abs);
  } catch {
    stat = undefined;
  }
  if (stat) {
    if (!stat.isDirectory()) {
      throw new RunDirectoryError(`'${dir}' exists and is not a directory; choose another --out`);
    }
    if (fs.readdirSync(abs).length > 0 && !isRunDirectory(abs)) {
      throw new RunDirectoryError(
        `'${dir}' is not empty and is not a bomrl run directory (no run.json); refusing to write into it. Choose an empty or new --out`,
      );
    }
    checkWritable(abs, dir);
    return;
  }
  let parent = path.dirname(abs);
  for (;;) {
    let s: fs.Stats | undefined;
    try {
      s = fs.statSync(parent);
    } catch {
      s = undefined;
    }
    if (s) {
      if (!s.isDirectory()) {
        throw new RunDirectoryError(
          `cannot create '${dir}': '${parent}' is not a directory; choose another --out`,
        );
      }
      checkWritable(parent, dir);
      return;
    }
    const up = path.dirname(parent);
    if (up === parent) break;
    parent = up;
  }
  throw new RunDirectoryError(`cannot create '${dir}': no existing parent directory`);
}

function checkWritable(existing: string, dir: string): void {
  try {
    fs.accessSync(existing, fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    throw new RunDirectoryError(
      `cannot write '${dir}': '${existing}' is not writable; choose another --out`,
    );
  }
}

/**
 * Creates `dir` one level at a time (never `mkdir -p`, which can spin on special file systems
 * such as /proc); each failure names the directory it could not create.
 */
export function createRunDirectory(dir: string): void {
  const abs = path.resolve(dir);
  const missing: string[] = [];
  for (let p = abs; !fs.existsSync(p); p = path.dirname(p)) {
    missing.unshift(p);
    if (path.dirname(p) === p) break;
  }
  for (const p of missing) {
    try {
      fs.mkdirSync(p);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && fs.statSync(p).isDirectory())
        continue;
      throw new RunDirectoryError(`cannot create '${p}': ${(error as Error).message}`);
    }
  }
}
