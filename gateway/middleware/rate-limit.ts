// Rate limits per client address and per user, counted in Redis by
// rate-limiter-flexible (atomic Lua), so several gateway processes share one
// budget. When Redis is down the limiter falls back to an in-process memory
// limiter of the same size: requests keep flowing (fail-open) but each gateway
// process still caps abuse on its own. That choice is documented in the README.
// While the client is not connected the fallback is taken at once, instead of
// every request first waiting for its Redis command to fail.
import type { MiddlewareHandler } from 'hono';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from '../../shared/redis.js';
import { HttpProblem } from '../../shared/problem.js';
import type { GatewayEnv } from '../context.js';
import { clientAddress } from './client-address.js';

export interface RateLimitSettings {
  perUser: number;
  perIp: number;
  windowSeconds: number;
  trustProxy: boolean;
}

function limiter(redis: Redis, keyPrefix: string, points: number, duration: number): RateLimiterRedis {
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    points,
    duration,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${keyPrefix}:local`, points, duration }),
  });
}

function headers(limit: number, res: RateLimiterRes, windowSeconds: number): Record<string, string> {
  const reset = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return {
    'RateLimit-Limit': String(limit),
    'RateLimit-Remaining': String(Math.max(0, res.remainingPoints)),
    'RateLimit-Reset': String(reset),
    'RateLimit-Policy': `${limit};w=${windowSeconds}`,
  };
}

export function rateLimit(redis: Redis, settings: RateLimitSettings): MiddlewareHandler<GatewayEnv> {
  const byIp = limiter(redis, 'ratelimit:ip', settings.perIp, settings.windowSeconds);
  const byUser = limiter(redis, 'ratelimit:user', settings.perUser, settings.windowSeconds);
  return async (c, next) => {
    const user = c.get('user');
    const [limit, key, rl] = user ? [settings.perUser, user.userId, byUser] : [settings.perIp, clientAddress(c, settings.trustProxy), byIp];
    let res: RateLimiterRes;
    try {
      res = await rl.consume(key, 1);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const h = headers(limit, rejection, settings.windowSeconds);
      throw new HttpProblem(429, 'rate-limited', `too many requests; try again in ${h['RateLimit-Reset']} s`, {}, { ...h, 'Retry-After': h['RateLimit-Reset']! });
    }
    await next();
    for (const [name, value] of Object.entries(headers(limit, res, settings.windowSeconds))) c.res.headers.set(name, value);
  };
}
