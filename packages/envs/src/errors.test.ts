import { describe, expect, it, vi } from 'vitest';
import { BomrlError, EnvError, isBomrlError } from './errors';

describe('BomrlError', () => {
  it('gives every error class a stable code and name', () => {
    const e = new EnvError('step: action must be an integer in [0, 4), got 7');
    expect(e.code).toBe('BOMRL_ENV');
    expect(e.name).toBe('EnvError');
    expect(String(e)).toBe('EnvError: step: action must be an integer in [0, 4), got 7');
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(BomrlError);
    expect(isBomrlError(e)).toBe(true);
    expect(new BomrlError('x').code).toBe('BOMRL_ERROR');
    expect(new BomrlError('x', { cause: e }).cause).toBe(e);
  });

  it('keeps instanceof true across two loaded copies of the package', async () => {
    vi.resetModules();
    const copy = await import('./errors');
    expect(copy.EnvError).not.toBe(EnvError); // really a second copy
    const foreign = new copy.EnvError('bad map');
    expect(foreign).toBeInstanceOf(EnvError);
    expect(foreign).toBeInstanceOf(BomrlError);
    expect(new EnvError('bad map')).toBeInstanceOf(copy.EnvError);
    expect(new EnvError('bad map')).toBeInstanceOf(copy.BomrlError);
  });

  it('tells error classes apart by code, and plain errors from bomrl errors', () => {
    class OtherError extends BomrlError {
      static override readonly code: string = 'BOMRL_OTHER';
    }
    expect(new OtherError('x')).not.toBeInstanceOf(EnvError);
    expect(new OtherError('x')).toBeInstanceOf(BomrlError);
    expect(new EnvError('x')).not.toBeInstanceOf(OtherError);
    expect(new Error('x')).not.toBeInstanceOf(BomrlError);
    expect(isBomrlError({ code: 'BOMRL_ENV', message: 'forged without the brand' })).toBe(false);
    expect(isBomrlError(null)).toBe(false);
  });
});
