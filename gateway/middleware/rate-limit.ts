// Rate limits per client address and per user (gateway/limits.ts: shared in Redis,
// an in-process fallback). Signed-in callers are counted per user, everyone else
// per address, requests with refused credentials included (this runs after
// `identify` has looked at them and before they are answered 401).
import type { MiddlewareHandler } from 'hono';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from '../../shared/redis.js';
import type { GatewayEnv } from '../context.js';
import { redisLimiter, secondsUntilReset, tooManyRequests } from '../limits.js';
import { clientAddress } from './client-address.js';

export interface RateLimitSettings {
  perUser: number;
  perIp: number;
  windowSeconds: number;
  /** X-Forwarded-For entries appended by our own proxies (client-address.ts). */
  trustedHops: number;
}

function headers(limit: number, res: RateLimiterRes, windowSeconds: number): Record<string, string> {
  return {
    'RateLimit-Limit': String(limit),
    'RateLimit-Remaining': String(Math.max(0, res.remainingPoints)),
    'RateLimit-Reset': String(secondsUntilReset(res)),
    'RateLimit-Policy': `${limit};w=${windowSeconds}`,
  };
}

export function rateLimit(redis: Redis, settings: RateLimitSettings): MiddlewareHandler<GatewayEnv> {
  const byIp = redisLimiter(redis, { keyPrefix: 'ratelimit:ip', points: settings.perIp, durationSeconds: settings.windowSeconds });
  const byUser = redisLimiter(redis, { keyPrefix: 'ratelimit:user', points: settings.perUser, durationSeconds: settings.windowSeconds });
  return async (c, next) => {
    const caller = c.get('caller');
    const [limit, key, limiter] = caller
      ? [settings.perUser, caller.userId, byUser]
      : [settings.perIp, clientAddress(c, settings.trustedHops), byIp];
    let res: RateLimiterRes;
    try {
      res = await limiter.consume(key, 1);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw tooManyRequests(secondsUntilReset(rejection), 'too many requests', headers(limit, rejection, settings.windowSeconds));
    }
    await next();
    for (const [name, value] of Object.entries(headers(limit, res, settings.windowSeconds))) c.res.headers.set(name, value);
  };
}
