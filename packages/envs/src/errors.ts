/** The brand every bomrl error carries; `Symbol.for` makes it the same in every package copy. */
const BRAND = Symbol.for('bomrl.error');

/** Options of {@link BomrlError} (the standard `cause`). */
export interface BomrlErrorOptions {
  readonly cause?: unknown;
}

/**
 * The base class of every error bomrl throws on bad input. Each subclass has a stable
 * machine-readable `code` (e.g. `'BOMRL_ENV'`); messages name the offending field and the fix.
 *
 * `instanceof` works across installed copies of the packages (an app can end up with two copies
 * of `@bomrl/envs`, or a bundle that inlines one): the check looks for a global brand and the
 * class's `code` instead of the prototype chain.
 */
export class BomrlError extends Error {
  /** The stable code of this error class; subclasses override it. */
  static readonly code: string = 'BOMRL_ERROR';
  /** Stable, machine-readable: switch on it rather than on the message. */
  readonly code: string;

  constructor(message: string, options: BomrlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = (new.target as typeof BomrlError).code;
  }

  override get name(): string {
    return 'BomrlError';
  }

  // `this` is the class on the right of `instanceof` (the base or a subclass), on purpose.
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    // biome-ignore lint/complexity/noThisInStatic: polymorphic on purpose (base or subclass)
    const cls = this as typeof BomrlError;
    if (Function.prototype[Symbol.hasInstance].call(cls, value)) return true;
    if ((value as Record<symbol, unknown>)[BRAND] !== true) return false;
    // Another copy's class: the base accepts every bomrl error, a subclass its own code.
    return cls.code === BomrlError.code || (value as { code?: unknown }).code === cls.code;
  }
}
Object.defineProperty(BomrlError.prototype, BRAND, { value: true });

/** Whether `value` is an error thrown by any bomrl package (any installed copy). */
export function isBomrlError(value: unknown): value is BomrlError {
  return value instanceof BomrlError;
}

/**
 * Bad input to a function outside the environments (a wrong length, rank, count or option), for
 * packages without an error class of their own. The message names the argument and the fix.
 */
export class InvalidArgumentError extends BomrlError {
  static override readonly code: string = 'BOMRL_INVALID_ARGUMENT';
  override get name(): string {
    return 'InvalidArgumentError';
  }
}

/**
 * The error `@bomrl/envs` throws for bad input (wrong action, stepping a finished episode, an
 * invalid map, task or model). `instanceof EnvError` separates them from bugs.
 */
export class EnvError extends BomrlError {
  static override readonly code: string = 'BOMRL_ENV';
  override get name(): string {
    return 'EnvError';
  }
}

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
