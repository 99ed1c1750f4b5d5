/**
 * The one error type the package throws for bad input (wrong action, stepping a finished
 * episode, an invalid map, task or model). Messages name the offending field and the fix, so a
 * caller can show them as they are; `instanceof EnvError` separates them from bugs.
 */
export class EnvError extends Error {
  override readonly name = 'EnvError';

  // The entry points share one chunk, but an app can still end up with two installed copies of
  // the package; a global brand keeps `instanceof EnvError` true across copies.
  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true
    );
  }
}

const BRAND = Symbol.for('@bomrl/envs/EnvError');
Object.defineProperty(EnvError.prototype, BRAND, { value: true });

/** Formats a value for an error message without dumping huge arrays. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null)
    return String(value);
  if (ArrayBuffer.isView(value))
    return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  if (Array.isArray(value)) return `array of length ${value.length}`;
  return typeof value;
}
