// Idempotency-Key for order placement (IETF draft semantics), scoped to the
// caller and kept in Redis for IDEMPOTENCY_TTL_SECONDS: the same key with the
// same body replays the first response; while the first request is still in
// flight a repeat gets 409; the same key with another body gets 422.
// Redis is a convenience here, not the guarantee: the order id is derived from
// (caller, key), and Temporal refuses a second workflow with the same id, so
// duplicates never create two orders even when Redis is down (and the request's
// fingerprint in the workflow memo still refuses another body, see order-placement.ts).
// While the Redis client is not connected the store is skipped at once rather than
// making every order request wait for its commands to fail.
// The in-flight marker only lives IN_FLIGHT_TTL_SECONDS: a request that never
// completes (gateway process killed, Redis lost before the answer was stored)
// must not answer its retries with 409 for the whole IDEMPOTENCY_TTL_SECONDS.
import { createHash } from 'node:crypto';
import type { Logger } from '../../shared/logger.js';
import type { Redis } from '../../shared/redis.js';

export type IdempotencyOutcome =
  | { kind: 'new' }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'in-flight' }
  | { kind: 'mismatch' };

/** How long a key stays "in flight" without an answer; placing an order takes far less. */
export const IN_FLIGHT_TTL_SECONDS = 60;

interface Entry {
  fingerprint: string;
  state: 'in-flight' | 'done';
  status?: number;
  body?: unknown;
}

/** Canonical JSON (sorted keys), so the same body in another key order is the same request. */
export function fingerprint(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, canonical(x)])) : v;
  return createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex');
}

/** The order id a (caller, key) pair always maps to: a UUID-shaped hash. */
export function orderIdFor(userId: string, key: string): string {
  const h = createHash('sha256').update(`${userId}\n${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
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

  async begin(scope: string, key: string, print: string): Promise<IdempotencyOutcome> {
    const k = this.key(scope, key);
    if (!this.connected) {
      this.logger.warn({ redis: this.redis.status }, 'idempotency store not connected; relying on workflow-id deduplication');
      return { kind: 'new' };
    }
    try {
      const entry: Entry = { fingerprint: print, state: 'in-flight' };
      if ((await this.redis.set(k, JSON.stringify(entry), 'EX', Math.min(IN_FLIGHT_TTL_SECONDS, this.ttlSeconds), 'NX')) === 'OK') return { kind: 'new' };
      const raw = await this.redis.get(k);
      if (!raw) return this.begin(scope, key, print); // expired in between
      const existing = JSON.parse(raw) as Entry;
      if (existing.fingerprint !== print) return { kind: 'mismatch' };
      if (existing.state === 'in-flight') return { kind: 'in-flight' };
      return { kind: 'replay', status: existing.status ?? 200, body: existing.body };
    } catch (error) {
      this.logger.warn({ err: error }, 'idempotency store unavailable; relying on workflow-id deduplication');
      return { kind: 'new' };
    }
  }

  async complete(scope: string, key: string, print: string, status: number, body: unknown): Promise<void> {
    if (!this.connected) {
      this.logger.warn({ redis: this.redis.status }, 'could not store the idempotent response: Redis not connected');
      return;
    }
    const entry: Entry = { fingerprint: print, state: 'done', status, body };
    await this.redis.set(this.key(scope, key), JSON.stringify(entry), 'EX', this.ttlSeconds).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'could not store the idempotent response');
    });
  }

  /** The first request failed before creating anything: let the client retry with the same key. */
  async abandon(scope: string, key: string): Promise<void> {
    if (!this.connected) return;
    await this.redis.del(this.key(scope, key)).catch(() => undefined);
  }
}
