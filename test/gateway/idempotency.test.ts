// The Idempotency-Key middleware (gateway/idempotency/) on its own: a small Hono
// app whose handler counts its runs, over the shared test Redis, and over a Redis
// that is not there (the store is skipped, the handler runs, nothing hangs).
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Caller } from '../../shared/auth/caller.js';
import { createLogger } from '../../shared/logger.js';
import { connectRedis, type Redis } from '../../shared/redis.js';
import { installProblemHandlers } from '../../shared/http/problem-handlers.js';
import { fingerprint, idempotency, type IdempotencyEnv, type IdempotencyOptions } from '../../gateway/idempotency/middleware.js';
import { IdempotencyStore } from '../../gateway/idempotency/store.js';
import { freePort } from '../../scripts/stack/processes.js';
import { stack, testRedis } from '../support/stack.js';

const logger = createLogger('test', 'silent');
/** The body the test route takes. */
const Things = z.object({ n: z.number(), note: z.string().optional() }).strict();

/** An app with one idempotent route; `answer` decides what the handler answers. */
function appWith(
  redis: Redis,
  answer: (body: { n: number }) => { status: 200 | 201 | 400 | 409; remember?: boolean },
  extra: Partial<IdempotencyOptions> = {},
) {
  let runs = 0;
  const app = new Hono<IdempotencyEnv>();
  installProblemHandlers(app, logger);
  app.use('*', async (c, next) => {
    const caller: Caller = { userId: c.req.header('X-User') ?? 'u1', roles: [] };
    c.set('caller', caller);
    c.set('requestId', 'r');
    await next();
  });
  app.post('/things', idempotency({ store: new IdempotencyStore(redis, 3600, logger), body: Things, ...extra }), async (c) => {
    runs++;
    const body = await c.req.json<{ n: number }>();
    const { status, remember } = answer(body);
    if (remember) c.var.idempotency.remember({ status: 202, body: { receipt: body.n } });
    return c.json({ n: body.n, run: runs }, status);
  });
  const post = async (key: string | undefined, body: unknown, user = 'u1') => {
    const res = await app.request('/things', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-User': user, ...(key ? { 'Idempotency-Key': key } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json(), replayed: res.headers.get('idempotent-replayed') };
  };
  return { post, runs: () => runs };
}

let shared: Awaited<ReturnType<typeof testRedis>>;
beforeAll(async () => {
  shared = await testRedis('idem_mw');
  await shared.redis.ping();
});
afterAll(async () => {
  await shared.close();
});

describe('Idempotency-Key middleware', () => {
  it('runs the handler once per key and body; replays its answer; 422 for another body; keys are per caller', async () => {
    const { post, runs } = appWith(shared.redis, () => ({ status: 201 }));
    const first = await post('k1', { n: 1, note: 'a' });
    expect(first).toEqual({ status: 201, body: { n: 1, run: 1 }, replayed: null });
    // the same body in another key order is the same request
    expect(await post('k1', { note: 'a', n: 1 })).toEqual({ status: 201, body: { n: 1, run: 1 }, replayed: 'true' });
    const other = await post('k1', { n: 2 });
    expect(other.status).toBe(422);
    expect((await post('k1', { n: 1, note: 'a' }, 'u2')).body).toEqual({ n: 1, run: 2 });
    expect(runs()).toBe(2);
  });

  it('answers 409 to the same request while the first is in flight', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const redis = shared.redis;
    const slowApp = new Hono<IdempotencyEnv>();
    installProblemHandlers(slowApp, logger);
    slowApp.use('*', async (c, next) => {
      c.set('caller', { userId: 'u3', roles: [] });
      c.set('requestId', 'r');
      await next();
    });
    slowApp.post('/slow', idempotency({ store: new IdempotencyStore(redis, 3600, logger), body: z.object({}) }), async (c) => {
      await gate;
      return c.json({ ok: true }, 200);
    });
    const send = () =>
      slowApp.request('/slow', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'k-slow' },
        body: '{}',
      });
    const first = send();
    await new Promise((r) => setTimeout(r, 50));
    const answers = await Promise.all(Array.from({ length: 10 }, () => Promise.resolve(send())));
    for (const res of answers) expect(res.status).toBe(409);
    release();
    expect((await first).status).toBe(200);
  });

  it('with rerunInFlight, a repeat runs the route while its key is in flight (its first may be dead) and stores the answer; a failed one leaves the marker', async () => {
    const store = new IdempotencyStore(shared.redis, 3600, logger);
    let fail = true;
    const { post, runs } = appWith(shared.redis, () => (fail ? { status: 409 } : { status: 201 }), { rerunInFlight: true });
    // A first request whose gateway died before storing its answer: the marker is left in flight.
    const print = fingerprint({ n: 7 });
    expect(await store.begin('u1:/things', 'k-dead', print)).toEqual({ kind: 'new' });
    expect((await post('k-dead', { n: 7 })).status).toBe(409);
    expect(await store.begin('u1:/things', 'k-dead', print)).toEqual({ kind: 'in-flight' });
    fail = false;
    const answers = await Promise.all(Array.from({ length: 10 }, () => post('k-dead', { n: 7 })));
    for (const answer of answers) expect(answer.status).toBe(201);
    expect(runs()).toBe(11);
    // Another body under the key is still refused, and the answer is now replayed.
    expect((await post('k-dead', { n: 8 })).status).toBe(422);
    expect((await post('k-dead', { n: 7 })).replayed).toBe('true');
    expect(runs()).toBe(11);
  });

  it('releases the key when the request failed, so a retry runs again; remembers what the handler says to', async () => {
    let fail = true;
    const { post, runs } = appWith(shared.redis, (body) => (fail ? { status: 409 } : { status: 201, remember: body.n > 0 }));
    expect((await post('k2', { n: 5 })).status).toBe(409);
    fail = false;
    expect(await post('k2', { n: 5 })).toEqual({ status: 201, body: { n: 5, run: 2 }, replayed: null });
    // the remembered receipt, not the response, is what a replay answers
    expect(await post('k2', { n: 5 })).toEqual({ status: 202, body: { receipt: 5 }, replayed: 'true' });
    expect(runs()).toBe(2);
  });

  it('leaves a missing or invalid key to the route (whose header validator answers 400)', async () => {
    const { post, runs } = appWith(shared.redis, () => ({ status: 200 }));
    expect((await post(undefined, { n: 1 })).status).toBe(200);
    expect((await post('has space', { n: 1 })).status).toBe(200);
    expect((await post('has space', { n: 1 })).replayed).toBeNull();
    expect(runs()).toBe(3);
  });

  it('leaves a body its schema refuses to the route and remembers nothing for it, however deep', async () => {
    const { post, runs } = appWith(shared.redis, () => ({ status: 201 }));
    // JSON.parse takes a 60,000-deep array; fingerprinting it by recursion overflowed the stack (a 500).
    const deep = `${'['.repeat(60_000)}${']'.repeat(60_000)}`;
    for (const body of [deep, { n: 'one' }, { n: 1, extra: true }]) expect((await post('k5', body)).status).toBe(201);
    // The test route has no validator, so the handler ran; a valid body is then the first request under the key.
    expect(await post('k5', { n: 1 })).toEqual({ status: 201, body: { n: 1, run: 4 }, replayed: null });
    expect((await post('k5', { n: 1 })).replayed).toBe('true');
    expect(runs()).toBe(4);
  });

  it('a rejected request leaves no key behind, even when Redis set its marker after the client stopped waiting', async () => {
    // What a busy Redis does to the gateway's client (100 ms command timeout): the SET of the
    // in-flight marker is carried out, its answer comes too late. The request went on without
    // the store, and before each marker named its owner, nothing released this one.
    const late = new Proxy(shared.redis, {
      get(target, property) {
        if (property === 'set')
          return async (...args: Parameters<Redis['set']>) => {
            await target.set(...args);
            throw new Error('Command timed out');
          };
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]): unknown => {
          const result: unknown = Reflect.apply(value, target, args);
          return result;
        };
      },
    });
    const raw = connectRedis(stack().redisUrl);
    /** The stored entries of these keys only (the store names an entry by the key's hash). */
    const markers = () =>
      raw
        .keys(`${shared.prefix}idem:u1:/things:*`)
        .then((all) => all.filter((k) => ['k-late', 'k-own'].some((key) => k.endsWith(createHash('sha256').update(key).digest('hex')))));
    try {
      const { post } = appWith(late, () => ({ status: 409 }));
      expect((await post('k-late', { n: 1 })).status).toBe(409);
      expect(await markers()).toEqual([]);
      // A request that succeeded is remembered although its store said nothing in time.
      const ok = appWith(late, () => ({ status: 201 }));
      expect((await ok.post('k-late', { n: 1 })).status).toBe(201);
      expect((await appWith(shared.redis, () => ({ status: 201 })).post('k-late', { n: 1 })).replayed).toBe('true');
      await raw.del(...(await markers()));
      // A release takes only its own marker: one set by a later request stays.
      const store = new IdempotencyStore(shared.redis, 3600, logger);
      expect(await store.begin('u1:/things', 'k-own', 'print', 'later-request')).toEqual({ kind: 'new' });
      await store.abandon('u1:/things', 'k-own', 'earlier-request');
      expect(await markers()).toHaveLength(1);
      await store.abandon('u1:/things', 'k-own', 'later-request');
      expect(await markers()).toEqual([]);
    } finally {
      await raw.quit();
    }
  });

  it('without a Redis the key is not remembered and the handler runs', async () => {
    const gone = connectRedis(`redis://127.0.0.1:${await freePort()}`, '', { commandTimeoutMs: 100 });
    gone.on('error', () => undefined);
    try {
      const { post, runs } = appWith(gone, () => ({ status: 201 }));
      expect((await post('k4', { n: 1 })).status).toBe(201);
      expect((await post('k4', { n: 1 })).replayed).toBeNull();
      expect(runs()).toBe(2);
    } finally {
      gone.disconnect();
    }
  });
});
