/**
 * A run directory that cannot be used as asked: locked by another process, not a bomrl run,
 * damaged beyond a safe repair, or unwritable. The message names the file and the fix.
 */
export class RunDirectoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunDirectoryError';
  }
}
