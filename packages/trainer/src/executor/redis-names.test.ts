import { describe, expect, it } from 'vitest';
import {
  checkRedisUrl,
  isRunId,
  jobIdOf,
  newRunId,
  redactRedisUrl,
  runKeyOf,
  runKeyPattern,
  runKeys,
} from './redis-names';

describe('Redis names', () => {
  it('a run key is stable per directory; a run id adds a fresh nonce per start', () => {
    expect(runKeyOf('runs/a')).toBe(runKeyOf('runs/./a'));
    expect(runKeyOf('runs/a')).not.toBe(runKeyOf('runs/b'));
    const key = runKeyOf('runs/a');
    const [first, second] = [newRunId(key), newRunId(key)];
    expect(first).not.toBe(second);
    expect(isRunId(first)).toBe(true);
    expect(isRunId('x')).toBe(false);
    expect(isRunId(42)).toBe(false);
  });

  it('every key of a start lies under its run id, and the pattern of its directory finds it', () => {
    const id = newRunId(runKeyOf('runs/a'));
    const keys = runKeys(id);
    const prefix = runKeyPattern(runKeyOf('runs/a')).slice(0, -1);
    for (const k of [keys.spec, keys.shared(3), keys.result(jobIdOf(id, 3, 1))]) {
      expect(k.startsWith(`bomrl:run:${id}:`)).toBe(true);
      expect(k.startsWith(prefix)).toBe(true);
    }
    expect(runKeyPattern(runKeyOf('runs/b'))).not.toBe(runKeyPattern(runKeyOf('runs/a')));
  });

  it('job ids are deterministic and contain no colon (BullMQ rejects one in a custom id)', () => {
    const id = newRunId(runKeyOf('runs/a'));
    expect(jobIdOf(id, 7, 2)).toBe(jobIdOf(id, 7, 2));
    expect(jobIdOf(id, 7, 2)).not.toBe(jobIdOf(id, 7, 3));
    expect(jobIdOf(id, 7, 2)).not.toContain(':');
  });

  it('a password never appears in a redacted URL or a URL error', () => {
    expect(redactRedisUrl('redis://:s3cret@host:6379/2')).toBe('redis://:***@host:6379/2');
    expect(redactRedisUrl('redis://user:s3cret@host:6379')).not.toContain('s3cret');
    expect(redactRedisUrl('redis://host:6379')).toBe('redis://host:6379');
    expect(() => checkRedisUrl('http://:s3cret@host', '--executor')).toThrow(/redis:\/\//);
    expect(() => checkRedisUrl('http://:s3cret@host', '--executor')).not.toThrow(/s3cret/);
    expect(() => checkRedisUrl('not a url', '--redis')).toThrow(/--redis/);
    expect(checkRedisUrl('rediss://:p@host:1', '--redis')).toBe('rediss://:p@host:1');
  });
});
