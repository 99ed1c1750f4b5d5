import type { Tensor } from '@tensorflow/tfjs-core';

/*
 * Small checks shared by the constructors (which validate user options) and the JSON loader
 * (which validates untrusted files through the same functions). Every message starts with
 * `name`, the caller-supplied path of the value, e.g. "loadPolicy: config.hidden".
 */

/** Builds an error of the caller's chosen class (TypeError for options, PolicyFormatError for files). */
export type ErrorFactory = (message: string) => Error;

export const typeError: ErrorFactory = (message) => new TypeError(message);

/** A short, bounded rendering of an unknown value for error messages. */
export function show(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (Array.isArray(value)) {
    const head = value.slice(0, 6).map(show).join(',');
    return `[${head}${value.length > 6 ? `,... (${value.length} entries)` : ''}]`;
  }
  if (value === null || typeof value !== 'object') return String(value);
  return 'an object';
}

export function expectRecord(
  value: unknown,
  name: string,
  fail: ErrorFactory,
): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw fail(`${name} must be an object, got ${show(value)}`);
  }
  return value as Record<string, unknown>;
}

/** Rejects keys outside `allowed`: a misspelled option would otherwise be silently ignored. */
export function expectKnownKeys(
  record: Record<string, unknown>,
  allowed: readonly string[],
  name: string,
  fail: ErrorFactory,
): void {
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) {
      throw fail(`${name} has unknown field '${key}' (expected only ${allowed.join(', ')})`);
    }
  }
}

export function expectPositiveInt(value: unknown, name: string, fail: ErrorFactory): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw fail(`${name} must be a positive integer, got ${show(value)}`);
  }
  return value;
}

export function expectFinite(
  value: unknown,
  name: string,
  fail: ErrorFactory,
  bounds: { min?: number; positive?: boolean } = {},
): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw fail(`${name} must be a finite number, got ${show(value)}`);
  }
  if (bounds.positive && !(value > 0)) throw fail(`${name} must be > 0, got ${value}`);
  if (bounds.min !== undefined && value < bounds.min) {
    throw fail(`${name} must be >= ${bounds.min}, got ${value}`);
  }
  return value;
}

export function expectPositiveIntArray(value: unknown, name: string, fail: ErrorFactory): number[] {
  if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v) && (v as number) > 0)) {
    throw fail(`${name} must be an array of positive integers, got ${show(value)}`);
  }
  return [...(value as number[])];
}

export function expectFiniteArray(
  value: unknown,
  name: string,
  fail: ErrorFactory,
  length?: number,
): number[] {
  if (!Array.isArray(value)) throw fail(`${name} must be an array of numbers, got ${show(value)}`);
  if (length !== undefined && value.length !== length) {
    throw fail(`${name} has ${value.length} entries, expected ${length}`);
  }
  const bad = value.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) throw fail(`${name}[${bad}] must be a finite number, got ${show(value[bad])}`);
  return value as number[];
}

/** Renders a shape the way error messages print it: [6, 17]. */
export const shapeString = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** Checks a tensor's rank, leading sizes and dtype; `null` entries in `shape` match any size. */
export function expectTensor(
  t: Tensor,
  shape: readonly (number | null)[],
  dtype: 'float32' | 'int32',
  name: string,
): void {
  const want = shape.map((d) => (d === null ? 'B' : String(d))).join(', ');
  if (t.rank !== shape.length || shape.some((d, i) => d !== null && t.shape[i] !== d)) {
    throw new RangeError(`${name} must have shape [${want}], got ${shapeString(t.shape)}`);
  }
  if (t.dtype !== dtype) {
    throw new TypeError(`${name} must have dtype ${dtype}, got ${t.dtype}`);
  }
}

/** Checks that an integer tensor's values lie in [0, n) (reads the values: index tensors are small). */
export function expectIndicesBelow(t: Tensor, n: number, name: string): void {
  const values = t.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v < n))
      throw new RangeError(`${name}[${i}] is ${v}, expected an integer in [0, ${n})`);
  }
}
