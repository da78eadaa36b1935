// The rate limiters' shared mechanics (the request limit and the login failure
// limit): counts in Redis with rate-limiter-flexible (atomic Lua), shared by all
// gateway processes. When Redis is down or does not answer within its short
// command timeout, a limiter falls back to an in-process one of the same size:
// requests keep flowing (fail-open across processes) but each process still caps
// abuse on its own. While the client is not connected the fallback is taken at
// once, instead of each request first waiting for its command to fail.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpProblem } from '../shared/problem.js';
import type { Redis } from '../shared/redis.js';

export interface LimitSettings {
  keyPrefix: string;
  points: number;
  durationSeconds: number;
  /** Once the points are used up, refuse for this long (default: until the window ends). */
  blockSeconds?: number;
}

export function redisLimiter(redis: Redis, { keyPrefix, points, durationSeconds, blockSeconds = 0 }: LimitSettings): RateLimiterRedis {
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    points,
    duration: durationSeconds,
    blockDuration: blockSeconds,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({
      keyPrefix: `${keyPrefix}:local`,
      points,
      duration: durationSeconds,
      blockDuration: blockSeconds,
    }),
  });
}

/** Seconds until the limit lets a request through again (at least 1). */
export const secondsUntilReset = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

/** 429 with Retry-After (and any other headers of the limit). */
export function tooManyRequests(retryAfterSeconds: number, detail: string, headers: Record<string, string> = {}): HttpProblem {
  return new HttpProblem('rate-limited', {
    detail: `${detail}; try again in ${retryAfterSeconds} s`,
    headers: { ...headers, 'Retry-After': String(retryAfterSeconds) },
  });
}

/** Takes one point of `key`'s budget, or throws 429 with Retry-After once it is used up. */
export async function takeOrRefuse(limiter: RateLimiterRedis, key: string, detail: string): Promise<void> {
  try {
    await limiter.consume(key, 1);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    throw tooManyRequests(secondsUntilReset(rejection), detail);
  }
}
