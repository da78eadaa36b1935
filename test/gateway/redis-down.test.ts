// The gateway when Redis goes down (docs/api.md, "When Redis is down or stalls"): a system on
// its own private redis-server, which the test stops and starts again.
// - reads keep being served, rate-limited by each process's in-memory insurance limiter;
// - POST /orders keeps working; a duplicate (same caller + key) is the same order
//   because the order id comes from (caller, key) and Temporal refuses a second
//   workflow with that id; the same key with another body is still 422;
// - /health/ready answers 503 and names redis;
// - the cart (kept in Redis by the cart service) answers 503 problems, never hangs;
// - once Redis is back, the shared budget and stored answers are back too;
// - a key whose request never completed (gateway killed, Redis lost before the
//   answer was stored) is "in flight" for a short lease only, not for a day.
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { IN_FLIGHT_TTL_SECONDS, IdempotencyStore } from '../../gateway/idempotency/store.js';
import { startRedis, type Service } from '../../scripts/stack/infra.js';
import { connectRedis } from '../../shared/redis.js';
import { createLogger } from '../../shared/logger.js';
import { startSystem, type RunningSystem } from '../../scripts/stack/system.js';
import { stack, testRedis, uniqueName } from '../support/stack.js';
import { isolatedSystemOptions } from '../support/system.js';
import { bodyOf } from '../../shared/http/body.js';
import { DetailBody, IdBody, ItemsBody, OrderIdBody, StatusBody, TokenBody, bodyAs, tryBodyAs } from '../support/bodies.js';
import { COPIES, expectOneOrderPerKey } from '../support/duplicates.js';
import { anyString } from '../support/matchers.js';
import { expectReady } from '../support/readiness.js';

const PER_IP = 5;
const WINDOW_SECONDS = 600;
const address = { name: 'Ada', line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' };

let dataDir: string;
let redis: Service<string> | undefined;
let redisPort: number;
let prefix: string;
let system: RunningSystem;
let connection: Connection;
let temporal: Client;
let ada: { id: string; token: string };
/** A customer for the concurrent duplicates alone, so every order of theirs is one of those. */
let dup: { id: string; token: string };

interface Answer {
  status: number;
  body: unknown;
  headers: Headers;
}

/** /health/ready: the state of its Redis check. */
const RedisCheckBody = z.object({ checks: z.object({ redis: z.object({ status: z.unknown() }) }) });
/** A list of orders: their ids. */
const OrderListBody = z.object({ items: z.array(z.object({ orderId: z.string() })) });

const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

async function request(
  method: string,
  path: string,
  opts: { body?: unknown; token?: string; ip?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'X-Forwarded-For': opts.ip ?? freshIp(), ...opts.headers };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  const res = await fetch(`${system.gatewayUrl}/api/v1${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  return { status: res.status, body: await bodyOf(res), headers: res.headers };
}

const order = (sku = 'STICKERS-5', quantity = 1) => ({ items: [{ sku, quantity }], paymentToken: 'tok_visa', shippingAddress: address });
const place = (key: string, body = order()) => request('POST', '/orders', { body, token: ada.token, headers: { 'Idempotency-Key': key } });

async function readiness(): Promise<{ status: number; body: unknown; contentType: string | null }> {
  const res = await fetch(`${system.gatewayUrl}/health/ready`);
  const body: unknown = await res.json();
  return { status: res.status, body, contentType: res.headers.get('content-type') };
}

/** A private redis-server (never the shared test one), on `port` when given. */
async function startPrivateRedis(port?: number): Promise<Service<string>> {
  const saved = process.env.REDIS_URL;
  delete process.env.REDIS_URL; // startRedis would otherwise hand back that external server
  try {
    const started = await startRedis({
      dataDir,
      logDir: join(dataDir, 'logs'),
      persistent: false,
      ...(port ? { ports: { redis: port } } : {}),
    });
    expect(started.managed, 'a redis-server process of our own').toBeDefined();
    expect(started.value).not.toBe(stack().redisUrl);
    return started;
  } finally {
    if (saved !== undefined) process.env.REDIS_URL = saved;
  }
}

/** Polls `probe` until it answers true (waits, not a timing assertion). */
async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function orderRuns(orderId: string): Promise<number> {
  let runs = 0;
  for await (const _ of temporal.workflow.list({ query: `WorkflowId = "order-${orderId}"` })) runs++;
  return runs;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sagashop-redis-down-'));
  redis = await startPrivateRedis();
  redisPort = Number(new URL(redis.value).port);
  const options = await isolatedSystemOptions('rd', {
    redisUrl: redis.value,
    env: {
      SEED_DEMO: 'true',
      TRUST_PROXY: 'true',
      RATE_LIMIT_PER_IP: String(PER_IP),
      RATE_LIMIT_PER_USER: '100',
      RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
    },
  });
  prefix = options.prefix;
  system = await startSystem(options);
  connection = await Connection.connect({ address: options.temporalAddress });
  temporal = new Client({ connection, namespace: options.temporalNamespace });
  ada = await account('ada');
  dup = await account('dup');
}, 240_000);

async function account(label: string): Promise<{ id: string; token: string }> {
  const ip = freshIp();
  const email = `${uniqueName(label)}@example.com`;
  const reg = await request('POST', '/auth/register', { body: { email, password: 'correct-horse-battery', name: label }, ip });
  expect(reg.status).toBe(201);
  const login = await request('POST', '/auth/login', { body: { email, password: 'correct-horse-battery' }, ip });
  return { id: bodyAs(reg, IdBody).id, token: bodyAs(login, TokenBody).accessToken };
}

afterAll(async () => {
  await system?.stop();
  await redis?.stop();
  await connection?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('Redis stalled (SIGSTOP: connections open, nothing answers)', () => {
  // Before each Redis call had its own short timeout, every call waited 2 s, so a
  // read took 2-4 s and POST /orders about 6 s. The bound below is one such wait:
  // a request that comes back within it paid for the stall in milliseconds, not seconds.
  const ONE_OLD_REDIS_TIMEOUT_MS = 2_000;
  const stalled = (method: string, path: string, opts: { body?: unknown; token?: string; headers?: Record<string, string> } = {}) =>
    fetch(`${system.gatewayUrl}${path}`, {
      method,
      headers: {
        'X-Forwarded-For': freshIp(),
        ...(opts.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
        ...opts.headers,
      },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(ONE_OLD_REDIS_TIMEOUT_MS),
    }).then(async (res) => {
      const body: unknown = await res.json();
      return { status: res.status, body, contentType: res.headers.get('content-type') };
    });
  const freeze = (on: boolean) => process.kill(redis!.managed!.child.pid!, on ? 'SIGSTOP' : 'SIGCONT');

  it('each use of Redis gives up at once and follows its policy', async () => {
    // Its own customer, so the orders of the tests below stay theirs alone.
    const bea = await account('bea');
    freeze(true);
    try {
      // limiter: the in-process limiter; catalog cache: the database
      const products = await stalled('GET', '/api/v1/products?limit=2');
      expect(products.status).toBe(200);
      expect(bodyAs(products, ItemsBody).items).toHaveLength(2);
      expect((await stalled('GET', '/api/v1/products/MUG-SAGA')).status).toBe(200);
      // idempotency: skipped; the workflow id and the memo's fingerprint still dedupe
      const key = randomUUID();
      const first = await stalled('POST', '/api/v1/orders', { body: order(), token: bea.token, headers: { 'Idempotency-Key': key } });
      expect(first.status).toBe(202);
      const again = await stalled('POST', '/api/v1/orders', { body: order(), token: bea.token, headers: { 'Idempotency-Key': key } });
      expect(again.status).toBe(202);
      expect(bodyAs(again, OrderIdBody).orderId).toBe(bodyAs(first, OrderIdBody).orderId);
      // cart: a 503 problem
      const cart = await stalled('GET', '/api/v1/cart', { token: bea.token });
      expect(cart.status).toBe(503);
      expect(cart.contentType).toContain('application/problem+json');
      expect(bodyAs(cart, DetailBody).detail).toContain('cart');
      // readiness names it
      const ready = await stalled('GET', '/health/ready');
      expect(ready.status).toBe(503);
      expect(bodyAs(ready, RedisCheckBody).checks.redis.status).toBe('down');
    } finally {
      freeze(false);
    }
    await eventually('readiness 200 after SIGCONT', async () => (await readiness()).status === 200);
  }, 120_000);
});

describe('Redis down', () => {
  let before: string;

  it('with Redis up: ready, replays stored answers', async () => {
    await expectReady(system.gatewayUrl);
    const key = randomUUID();
    const first = await place(key);
    expect(first.status).toBe(202);
    before = bodyAs(first, OrderIdBody).orderId;
    const again = await place(key);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('readiness answers 503 and names redis', async () => {
    await redis!.stop();
    redis = undefined;
    const ready = await readiness();
    expect(ready.status).toBe(503);
    expect(ready.contentType).toContain('application/problem+json');
    expect(ready.body).toMatchObject({
      status: 503,
      checks: { redis: { status: 'down' }, temporal: { status: 'up' }, orders: { status: 'up' } },
    });
    expect((await fetch(`${system.gatewayUrl}/health/live`)).status).toBe(200);
  });

  it('still serves reads, capped by the in-process limiter of the same size', async () => {
    const ip = freshIp();
    for (let i = 0; i < PER_IP; i++) {
      const res = await request('GET', '/products?limit=2', { ip });
      expect(res.status, `request ${i + 1} of ${PER_IP}`).toBe(200);
      expect(bodyAs(res, ItemsBody).items).toHaveLength(2);
      expect(res.headers.get('ratelimit-limit')).toBe(String(PER_IP));
      expect(res.headers.get('ratelimit-remaining')).toBe(String(PER_IP - 1 - i));
    }
    const limited = await request('GET', '/products?limit=2', { ip });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit-limit')).toBe(String(PER_IP));
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    // another address still has its own budget
    expect((await request('GET', '/products?limit=2')).status).toBe(200);
  }, 120_000);

  it('the cart, which lives in Redis, answers a 503 problem instead of hanging', async () => {
    for (const cart of [
      await request('GET', '/cart', { token: ada.token }),
      await request('POST', '/cart/checkout', {
        token: ada.token,
        body: { paymentToken: 'tok_visa', shippingAddress: address },
        headers: { 'Idempotency-Key': randomUUID() },
      }),
    ]) {
      expect(cart.status).toBe(503);
      expect(cart.headers.get('content-type')).toContain('application/problem+json');
      expect(bodyAs(cart, DetailBody).detail).toContain('cart');
    }
  }, 120_000);

  it('POST /orders: a duplicate is the same order, another body is 422, and only one saga runs', async () => {
    const key = randomUUID();
    const first = await place(key);
    expect(first.status).toBe(202);
    const orderId = bodyAs(first, OrderIdBody).orderId;
    expect(first.body).toEqual({ orderId: anyString(), status: 'PENDING', links: { self: `/api/v1/orders/${orderId}` } });

    const again = await place(key);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    const together = await Promise.all([place(key), place(key), place(key)]);
    for (const answer of together) {
      expect(answer.status).toBe(202);
      expect(bodyAs(answer, OrderIdBody).orderId).toBe(orderId);
    }

    const other = await place(key, order('MUG-SAGA', 2));
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toContain('application/problem+json');

    // the order goes its way without Redis, and exists once
    let last: Answer | undefined;
    await eventually(`order ${orderId} confirmed`, async () => {
      last = await request('GET', `/orders/${orderId}`, { token: ada.token });
      return tryBodyAs(last, StatusBody)?.status === 'CONFIRMED';
    });
    expect(bodyAs(last!, ItemsBody).items).toEqual([{ sku: 'STICKERS-5', quantity: 1, unitPriceCents: 499 }]);
    await eventually(
      'both orders in the read model',
      // A moment's 503 under load is asked again, not read as an empty list.
      async () => (tryBodyAs(await request('GET', '/orders?limit=100', { token: ada.token }), ItemsBody)?.items.length ?? 0) >= 2,
    );
    const mine = bodyAs(await request('GET', '/orders?limit=100', { token: ada.token }), OrderListBody).items.map((o) => o.orderId);
    expect(mine.sort()).toEqual([before, orderId].sort());
    await eventually('the saga in the visibility store', async () => (await orderRuns(orderId)) >= 1);
    expect(await orderRuns(orderId)).toBe(1);
  }, 120_000);

  it(`${COPIES} concurrent copies of one order without Redis: one order (answers, sagas, read model) or a clear 503 and none`, async () => {
    expect(bodyAs(await readiness(), RedisCheckBody).checks.redis.status, 'Redis is still down').toBe('down');
    await expectOneOrderPerKey(
      {
        place: (key) => request('POST', '/orders', { body: order(), token: dup.token, headers: { 'Idempotency-Key': key } }),
        readModel: async () => bodyAs(await request('GET', '/orders?limit=100', { token: dup.token }), OrderListBody).items,
        temporal,
        customerId: dup.id,
      },
      { unavailable: true },
    );
  }, 120_000);

  it('when Redis is back: ready again, one shared budget and stored answers again', async () => {
    redis = await startPrivateRedis(redisPort);
    await eventually('readiness 200', async () => (await readiness()).status === 200);
    const key = randomUUID();
    expect((await place(key)).status).toBe(202);
    const again = await place(key);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const ip = freshIp();
    const res = await request('GET', '/products?limit=1', { ip });
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-remaining')).toBe(String(PER_IP - 1));
    // counted in Redis again (where every gateway process sees it), not in process memory
    const raw = connectRedis(redis.value);
    try {
      expect(await raw.get(`${prefix}:ratelimit:ip:${ip}`)).toBe('1');
    } finally {
      await raw.quit();
    }
  }, 120_000);
});

describe('a request that never completes', () => {
  it('holds its Idempotency-Key in flight for the short lease only; a completed one for the full TTL', async () => {
    const r = await testRedis('idem');
    const raw = connectRedis(stack().redisUrl);
    try {
      await r.redis.ping(); // connected: the store skips Redis while its client is not
      const store = new IdempotencyStore(r.redis, 86_400, createLogger('test', 'silent'));
      const scope = 'user-1:/api/v1/orders';
      expect(await store.begin(scope, 'key-1', 'print-1')).toEqual({ kind: 'new' });
      expect(await store.begin(scope, 'key-1', 'print-1')).toEqual({ kind: 'in-flight' });
      expect(await store.begin(scope, 'key-1', 'print-2')).toEqual({ kind: 'mismatch' });
      const [stored] = await raw.keys(`${r.prefix}idem:*`);
      expect(stored).toBeDefined();
      const lease = await raw.pttl(stored!);
      expect(lease).toBeGreaterThan(0);
      expect(lease).toBeLessThanOrEqual(IN_FLIGHT_TTL_SECONDS * 1000);
      await store.complete(scope, 'key-1', 'print-1', { status: 202, body: { orderId: 'o-1' } });
      expect(await raw.pttl(stored!)).toBeGreaterThan(IN_FLIGHT_TTL_SECONDS * 1000);
      expect(await store.begin(scope, 'key-1', 'print-1')).toEqual({ kind: 'replay', answer: { status: 202, body: { orderId: 'o-1' } } });
    } finally {
      await raw.quit();
      await r.close();
    }
  });
});
