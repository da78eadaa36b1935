// Where Idempotency-Keys are remembered: Redis, scoped to the caller and route,
// kept for IDEMPOTENCY_TTL_SECONDS. Redis is a convenience here, not the
// guarantee (see ./middleware.ts): when it is not connected, or a command does not
// answer within the client's short timeout, the store is skipped and says so.
// The in-flight marker only lives IN_FLIGHT_TTL_SECONDS: a request that never
// completes (gateway process killed, Redis lost before the answer was stored)
// must not answer its retries with 409 for the whole IDEMPOTENCY_TTL_SECONDS.
import { createHash } from 'node:crypto';
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
  | { kind: 'replay'; answer: StoredAnswer }
  | { kind: 'in-flight' }
  | { kind: 'mismatch' };

/** How long a key stays "in flight" without an answer; placing an order takes far less. */
export const IN_FLIGHT_TTL_SECONDS = 60;

interface Entry {
  fingerprint: string;
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

  private key(scope: string, key: string): string {
    return `idem:${scope}:${createHash('sha256').update(key).digest('hex')}`;
  }

  private get connected(): boolean {
    return this.redis.status === 'ready';
  }

  async begin(scope: string, key: string, fingerprint: string): Promise<BeginOutcome> {
    if (!this.connected) {
      this.logger.warn({ redis: this.redis.status }, 'idempotency store not connected; relying on workflow-id deduplication');
      return { kind: 'skipped' };
    }
    const k = this.key(scope, key);
    try {
      for (;;) {
        const entry: Entry = { fingerprint, state: 'in-flight' };
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
      return { kind: 'skipped' };
    }
  }

  async complete(scope: string, key: string, fingerprint: string, answer: StoredAnswer): Promise<void> {
    const entry: Entry = { fingerprint, state: 'done', status: answer.status, body: answer.body };
    await this.redis.set(this.key(scope, key), JSON.stringify(entry), 'EX', this.ttlSeconds).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'could not store the idempotent response');
    });
  }

  /** The first request failed before creating anything: let the client retry with the same key. */
  async abandon(scope: string, key: string): Promise<void> {
    await this.redis.del(this.key(scope, key)).catch(() => undefined);
  }
}
