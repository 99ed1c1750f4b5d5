import { Redis } from 'ioredis';
import { redactRedisUrl } from './redis-names';

/**
 * A Redis connection for BullMQ from a redis:// URL (password, TLS via rediss:// and the db
 * number come from the URL). Errors are reported with the password redacted, and the first
 * connection must succeed within `timeoutMs`, so a wrong address fails fast with a clear error
 * instead of retrying silently.
 */
export async function connectRedis(
  url: string,
  log: (line: string) => void,
  timeoutMs = 15_000,
): Promise<Redis> {
  const where = redactRedisUrl(url);
  // maxRetriesPerRequest null: BullMQ's blocking commands must wait through reconnects
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true });
  let lastError = '';
  redis.on('error', (error: Error) => {
    if (error.message !== lastError) log(`redis ${where}: ${error.message}`);
    lastError = error.message;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`cannot reach Redis at ${where} within ${timeoutMs / 1000} s`)),
          timeoutMs,
        );
      }),
    ]);
  } catch (error) {
    redis.disconnect();
    const message = (error as Error).message.replaceAll(url, where);
    throw new Error(message.startsWith('cannot reach') ? message : `Redis at ${where}: ${message}`);
  } finally {
    clearTimeout(timer);
  }
  return redis;
}
