// Guessing passwords: login attempts are counted per account (whatever address
// they come from) and per address (whatever account they try), after
// rate-limiter-flexible's brute-force pattern. Each attempt reserves one point of
// both counts (an atomic consume in Redis) before its password is checked, so a
// burst of concurrent guesses gets at most the limit checked: counting only after
// the check let every request of a burst read the same old count. Once either
// count is used up, logins for that account or from that address are refused with
// 429 and Retry-After until the window has passed, even with the right password
// (or a guesser would learn it from the answer). Only failures keep their point: a
// successful login clears its account's count and gives the address its point
// back, and an attempt that was never checked (refused by the other count, or the
// users service did not answer) gives back what it reserved. The per-account
// limit lets anyone lock an account out for a window by failing on purpose; that
// is the price of stopping distributed guessing of one account (docs/api.md, "Rate limits").
import { RateLimiterRes, type RateLimiterRedis } from 'rate-limiter-flexible';
import type { Redis } from '../../shared/redis.js';
import { redisLimiter, secondsUntilReset, tooManyRequests } from '../limits.js';

export interface LoginLimitSettings {
  perAccount: number;
  perIp: number;
  windowSeconds: number;
}

export class LoginLimiter {
  private readonly byAccount: RateLimiterRedis;
  private readonly byIp: RateLimiterRedis;

  constructor(
    redis: Redis,
    private readonly settings: LoginLimitSettings,
  ) {
    const common = { durationSeconds: settings.windowSeconds, blockSeconds: settings.windowSeconds };
    this.byAccount = redisLimiter(redis, { keyPrefix: 'login-failures:account', points: settings.perAccount, ...common });
    this.byIp = redisLimiter(redis, { keyPrefix: 'login-failures:ip', points: settings.perIp, ...common });
  }

  /**
   * Checks a login within the limits: reserves an attempt for this account from this
   * address (429 when either count is used up), then runs `verify`, which answers the
   * user for the right password and undefined for a wrong one. A wrong password keeps
   * its reserved attempt; a right one clears the account's count and gives the address
   * its point back; a `verify` that throws (the users service did not answer) gives
   * back both, since no password was checked.
   */
  async check<T>(email: string, ip: string, verify: () => Promise<T | undefined>): Promise<T | undefined> {
    const account = email.toLowerCase();
    const reserved = await Promise.allSettled([this.byAccount.consume(account), this.byIp.consume(ip)]);
    const giveBack = () =>
      Promise.allSettled([
        reserved[0].status === 'fulfilled' ? this.byAccount.reward(account, 1) : undefined,
        reserved[1].status === 'fulfilled' ? this.byIp.reward(ip, 1) : undefined,
      ]);
    const refusals = reserved.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (refusals.length) {
      await giveBack();
      const limits = refusals.filter((reason) => reason instanceof RateLimiterRes);
      if (limits.length < refusals.length) throw refusals.find((reason) => !(reason instanceof RateLimiterRes));
      throw tooManyRequests(Math.max(...limits.map(secondsUntilReset)), 'too many failed logins');
    }
    let user: T | undefined;
    try {
      user = await verify();
    } catch (error) {
      await giveBack();
      throw error;
    }
    if (user !== undefined) await Promise.allSettled([this.byAccount.delete(account), this.byIp.reward(ip, 1)]);
    return user;
  }
}
