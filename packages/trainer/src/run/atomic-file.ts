import fs from 'node:fs';
import path from 'node:path';

/**
 * Test-only fault injection: with `BOMRL_TEST_FAIL_WRITE=<n>` in the environment, the n-th write
 * (1-based, counted over this module's writes in the process) fails with ENOSPC, as a full disk
 * would; an append first writes half its text so the torn-line repair is exercised too. The
 * reliability suite uses it; it is not a user setting.
 */
const FAULT_ENV = 'BOMRL_TEST_FAIL_WRITE';
let writes = 0;

function injectedFault(file: string): NodeJS.ErrnoException | undefined {
  const n = Number(process.env[FAULT_ENV]);
  if (!Number.isInteger(n) || n <= 0) return undefined;
  writes++;
  if (writes !== n) return undefined;
  return Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), {
    code: 'ENOSPC',
  });
}

/** An error that names the file being written and keeps the system error code. */
function writeError(file: string, error: unknown): Error {
  const e = error as NodeJS.ErrnoException;
  const hint = e.code === 'ENOSPC' ? ' (free some disk space, then resume with --resume)' : '';
  return Object.assign(new Error(`cannot write ${file}: ${e.message}${hint}`), {
    code: e.code,
    cause: error,
  });
}

/**
 * Writes a file so that readers (and a crash at any moment) see either the old or the new
 * content, never a torn one: write a temporary file in the same directory, fsync it, rename it
 * over the target (atomic on POSIX file systems), then fsync the directory. A failure throws an
 * error naming `file` and leaves no temporary file behind.
 */
export function writeFileAtomic(file: string, content: string): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    const fault = injectedFault(file);
    if (fault) throw fault;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw writeError(file, error);
  }
  try {
    const dfd = fs.openSync(dir, 'r');
    fs.fsyncSync(dfd);
    fs.closeSync(dfd);
  } catch {
    // some platforms cannot fsync a directory; the rename is still atomic
  }
}

/** {@link writeFileAtomic} for JSON, pretty-printed. */
export function writeJsonAtomic(file: string, data: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(data, null, 2)}\n`);
}

/**
 * Appends `text` and fsyncs. A crash or a full disk can leave a torn last line; readers of
 * append-only files drop it (see `RunDirectory.readMetrics`). Errors name `file`.
 */
export function appendFileDurable(file: string, text: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'a');
    const fault = injectedFault(file);
    if (fault) {
      fs.writeSync(fd, text.slice(0, Math.floor(text.length / 2)));
      throw fault;
    }
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } catch (error) {
    throw writeError(file, error);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** True for a temporary file this module writes (`.<name>.<pid>.<time>.tmp`). */
export function isAtomicTempFile(name: string): boolean {
  return /^\..+\.tmp$/.test(name);
}
