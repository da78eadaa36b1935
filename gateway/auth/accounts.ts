// What the gateway knows of the account behind a token: is it still active, and
// which roles does it have now. Tokens live up to JWT_TTL_SECONDS, accounts change
// sooner (deactivated, demoted), so every request with a token checks its account
// here instead of trusting the roles the token was issued with. Answers are cached
// for USER_CACHE_SECONDS (at most 30 s): a change shows on every gateway within
// that time, and a busy user costs the users service one lookup per period
// (concurrent lookups of one account share one call).
//
// When the users service cannot answer, the last answer about the account is used
// however old (so an outage of the users service does not sign everyone out); an
// account never seen before fails the request with the service's 503/504 problem:
// a token is never honoured on the strength of the token alone.
import { LRUCache } from 'lru-cache';
import { SYSTEM } from '../../shared/auth/caller.js';
import type { ServiceClient } from '../../shared/http/service-client.js';
import type { UsersApp } from '../../services/users/app.js';

export interface AccountState {
  active: boolean;
  roles: string[];
  /** Where the account's mail goes, as the users service answered. */
  email?: string;
}

/** No such account (deleted, or a subject that never was one). */
const GONE: AccountState = { active: false, roles: [] };

export class Accounts {
  private readonly cache: LRUCache<string, AccountState>;

  constructor(users: ServiceClient<UsersApp>, cacheSeconds: number) {
    this.cache = new LRUCache<string, AccountState>({
      max: 50_000,
      ttl: cacheSeconds * 1000,
      fetchMethod: async (userId, last) => {
        try {
          // A subject the users service does not take as an id is no account either.
          const res = await users.as({ caller: SYSTEM, accept: [400, 404] }).users[':userId'].access.$get({ param: { userId } });
          if (res.status !== 200) return GONE;
          const { active, roles, email } = await res.json();
          return { active, roles, ...(email ? { email } : {}) };
        } catch (error) {
          if (last) return last;
          throw error;
        }
      },
    });
  }

  async get(userId: string): Promise<AccountState> {
    // fetch() answers undefined only when aborted, which nothing here does.
    return (await this.cache.fetch(userId)) ?? GONE;
  }
}
