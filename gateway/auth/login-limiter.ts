// Guessing passwords: failed logins are counted per account (whatever address
// they come from) and per address (whatever account they try), after
// rate-limiter-flexible's brute-force pattern. Once either count reaches its limit,
// logins for that account or from that address are refused with 429 and
// Retry-After until the window has passed, even with the right password (or a
// guesser would learn it from the answer). A successful login clears its
// account's count. The per-account limit lets anyone lock an account out for a
// window by failing on purpose; that is the price of stopping distributed guessing
// of one account (README, "Rate limits").
import type { Redis } from '../../shared/redis.js';
import { redisLimiter, secondsUntilReset, tooManyRequests } from '../limits.js';

export interface LoginLimitSettings {
  perAccount: number;
  perIp: number;
  windowSeconds: number;
}

export class LoginLimiter {
  private readonly byAccount;
  private readonly byIp;

  constructor(
    redis: Redis,
    private readonly settings: LoginLimitSettings,
  ) {
    const common = { durationSeconds: settings.windowSeconds, blockSeconds: settings.windowSeconds };
    this.byAccount = redisLimiter(redis, { keyPrefix: 'login-failures:account', points: settings.perAccount, ...common });
    this.byIp = redisLimiter(redis, { keyPrefix: 'login-failures:ip', points: settings.perIp, ...common });
  }

  /** 429 when this account or this address has used up its failures. */
  async assertAllowed(email: string, ip: string): Promise<void> {
    const [account, address] = await Promise.all([this.byAccount.get(email.toLowerCase()), this.byIp.get(ip)]);
    const blocked = [
      account && account.consumedPoints >= this.settings.perAccount ? account : undefined,
      address && address.consumedPoints >= this.settings.perIp ? address : undefined,
    ].filter((res) => res !== undefined);
    if (blocked.length) throw tooManyRequests(Math.max(...blocked.map(secondsUntilReset)), 'too many failed logins');
  }

  async failed(email: string, ip: string): Promise<void> {
    // A rejection only says the limit is reached now; the next attempt is refused by assertAllowed.
    await Promise.allSettled([this.byAccount.consume(email.toLowerCase()), this.byIp.consume(ip)]);
  }

  async succeeded(email: string): Promise<void> {
    await this.byAccount.delete(email.toLowerCase()).catch(() => undefined);
  }
}
