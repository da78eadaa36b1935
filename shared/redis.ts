import { Redis } from 'ioredis';

export type { Redis };

export interface RedisOptions {
  /**
   * How long one command may take before it fails. Every use of Redis has a policy
   * for that failure (fall back, skip, or answer 503), so a stalled Redis costs each
   * request at most this long per command, instead of hanging it.
   */
  commandTimeoutMs?: number;
}

/** Redis client that fails commands fast instead of queueing them while disconnected. */
export function connectRedis(url: string, keyPrefix = '', options: RedisOptions = {}): Redis {
  return new Redis(url, {
    keyPrefix,
    lazyConnect: false,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    connectTimeout: 2_000,
    commandTimeout: options.commandTimeoutMs ?? 2_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
}

export async function pingRedis(redis: Redis): Promise<void> {
  const answer: string = await redis.ping();
  if (answer !== 'PONG') throw new Error(`unexpected PING answer ${answer}`);
}

const UNAVAILABLE_MESSAGES = [
  'Command timed out',
  'Connection is closed.',
  "Stream isn't writeable and enableOfflineQueue options is false",
];

/** Whether an error says Redis could not be reached or did not answer (not that a command was wrong). */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'MaxRetriesPerRequestError' || UNAVAILABLE_MESSAGES.includes(error.message);
}
