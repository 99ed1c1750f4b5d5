import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes a file so that readers (and a crash at any moment) see either the old or the new
 * content, never a torn one: write a temporary file in the same directory, fsync it, rename it
 * over the target (atomic on POSIX file systems), then fsync the directory.
 */
export function writeFileAtomic(file: string, content: string): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
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
