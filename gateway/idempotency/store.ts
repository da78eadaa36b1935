// Where Idempotency-Keys are remembered: Redis, scoped to the caller and route,
// kept for IDEMPOTENCY_TTL_SECONDS. Redis is a convenience here, not the
// guarantee (see ./middleware.ts): when it is not connected, or a command does not
// answer within the client's short timeout, the store is skipped and says so.
// The in-flight marker only lives IN_FLIGHT_TTL_SECONDS: a request that never
// completes (gateway process killed, Redis lost before the answer was stored)
// must not answer its retries with 409 for the whole IDEMPOTENCY_TTL_SECONDS.
// A command that misses the client's short timeout has still been sent, and Redis
// may carry it out after the client gave up on it: a marker set that way is held
// by a request that believes it holds nothing ('unsure'), and it must be released
// like any other. So each marker names the request that set it (`owner`), and a
// release deletes only a marker of its own (one atomic compare-and-delete).
import { createHash, randomUUID } from 'node:crypto';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../../shared/logger.js';
import type { Redis } from '../../shared/redis.js';

/** The answer remembered for a key: what a replay answers. */
export interface StoredAnswer {
  status: ContentfulStatusCode;
  body: unknown;
}

export type BeginOutcome =
  | { kind: 'new' }
  /** Redis did not answer: nothing is remembered for this request. */
  | { kind: 'skipped' }
  /** Redis did not answer in time: the marker may or may not have been set by this request. */
  | { kind: 'unsure' }
  | { kind: 'replay'; answer: StoredAnswer }
  | { kind: 'in-flight' }
  | { kind: 'mismatch' };

/** Tries to release a marker: a busy Redis may miss the client's short timeout once or twice. */
const RELEASE_ATTEMPTS = 3;

/** Deletes the marker only while it is the in-flight marker of ARGV[1] (atomic: a script runs alone). */
const RELEASE_OWN_MARKER = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local ok, entry = pcall(cjson.decode, raw)
if ok and type(entry) == 'table' and entry.state == 'in-flight' and entry.owner == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

/** How long a key stays "in flight" without an answer; placing an order takes far less. */
export const IN_FLIGHT_TTL_SECONDS = 60;

interface Entry {
  fingerprint: string;
  /** The request that set an in-flight marker (a fresh id per request). */
  owner?: string;
  state: 'in-flight' | 'done';
  status?: ContentfulStatusCode;
  body?: unknown;
}

export class IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
    private readonly logger: Logger,
  ) {}

  /** The Redis key of a caller's Idempotency-Key (tests delete one to model a record lost with Redis). */
  static redisKey(scope: string, key: string): string {
    return `idem:${scope}:${createHash('sha256').update(key).digest('hex')}`;
  }

  private key(scope: string, key: string): string {
    return IdempotencyStore.redisKey(scope, key);
  }

  private get connected(): boolean {
    return this.redis.status === 'ready';
  }

  /** `owner` names this request: what `abandon` needs to release its marker. */
  async begin(scope: string, key: string, fingerprint: string, owner: string = randomUUID()): Promise<BeginOutcome> {
    if (!this.connected) {
      this.logger.warn({ redis: this.redis.status }, 'idempotency store not connected; relying on workflow-id deduplication');
      return { kind: 'skipped' };
    }
    const k = this.key(scope, key);
    try {
      for (;;) {
        const entry: Entry = { fingerprint, owner, state: 'in-flight' };
        if ((await this.redis.set(k, JSON.stringify(entry), 'EX', Math.min(IN_FLIGHT_TTL_SECONDS, this.ttlSeconds), 'NX')) === 'OK')
          return { kind: 'new' };
        const raw = await this.redis.get(k);
        if (!raw) continue; // expired in between
        const existing = JSON.parse(raw) as Entry;
        if (existing.fingerprint !== fingerprint) return { kind: 'mismatch' };
        if (existing.state === 'in-flight') return { kind: 'in-flight' };
        return { kind: 'replay', answer: { status: existing.status ?? 200, body: existing.body } };
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'idempotency store unavailable; relying on workflow-id deduplication');
      return { kind: 'unsure' };
    }
  }

  async complete(scope: string, key: string, fingerprint: string, answer: StoredAnswer): Promise<void> {
    const entry: Entry = { fingerprint, state: 'done', status: answer.status, body: answer.body };
    await this.redis.set(this.key(scope, key), JSON.stringify(entry), 'EX', this.ttlSeconds).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'could not store the idempotent response');
    });
  }

  /**
   * The first request failed before creating anything: let the client retry with the same key.
   * Only the marker `owner` set is deleted (a later request's, after this one's lease ran out, stays).
   */
  async abandon(scope: string, key: string, owner: string): Promise<void> {
    for (let attempt = 1; attempt <= RELEASE_ATTEMPTS; attempt++) {
      try {
        await this.redis.eval(RELEASE_OWN_MARKER, 1, this.key(scope, key), owner);
        return;
      } catch (error) {
        if (attempt === RELEASE_ATTEMPTS)
          this.logger.warn({ err: error }, 'could not release an Idempotency-Key; it expires with its lease');
      }
    }
  }
}
