// The gateway's security and robustness on the running system: JWT attacks,
// other users' data, admin routes, injection, body limits, problem+json for
// every error, Idempotency-Key semantics, the degraded dashboard and rate limits.
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEMO_ADMIN } from '../../shared/demo-data.js';
import { startSystem, type RunningSystem } from '../../scripts/stack/system.js';
import { uniqueName } from '../support/stack.js';
import { isolatedSystemOptions } from '../support/system.js';
import { expectReady } from '../support/readiness.js';
import { expectOneOrderPerKey } from '../support/duplicates.js';
import { resentUntilAnswered } from '../support/api.js';
import { bodyOf } from '../../shared/http/body.js';
import { IdBody, ItemsBody, OrderIdBody, TokenBody, bodyAs } from '../support/bodies.js';
import { anyString } from '../support/matchers.js';

const address = { name: 'Ada', line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' };
const DEV_JWT_SECRET = 'gateway-test-jwt-secret-0123456789abcdef';
const RATE_LIMIT_PER_IP = 60;

let system: RunningSystem;
let api: string;
let alice: { id: string; token: string };
let bob: { id: string; token: string };
let admin: string;
let connection: Connection;
let temporal: Client;

async function request(method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const parsed = await bodyOf(res);
  return { status: res.status, body: parsed, headers: res.headers };
}

async function account(label: string) {
  const email = `${uniqueName(label)}@example.com`;
  const reg = await request('POST', '/auth/register', { email, password: 'correct-horse-battery', name: label });
  expect(reg.status).toBe(201);
  const login = await request('POST', '/auth/login', { email, password: 'correct-horse-battery' });
  return { id: bodyAs(reg, IdBody).id, token: bodyAs(login, TokenBody).accessToken };
}

const order = (sku = 'STICKERS-5') => ({ items: [{ sku, quantity: 1 }], paymentToken: 'tok_visa', shippingAddress: address });
const problemOf = (res: { headers: Headers; body: unknown }, status: number) => {
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({ status, type: anyString(), title: anyString() });
};
/** A validation problem: where each error is and what it says. */
const ValidationBody = z.object({ errors: z.array(z.object({ path: z.string(), message: z.string() })) });
/** GET /orders: the ids of the caller's orders. */
const OrderIdsBody = z.object({ items: z.array(OrderIdBody) });

beforeAll(async () => {
  const options = await isolatedSystemOptions('gw', {
    env: {
      SEED_DEMO: 'true',
      JWT_SECRET: DEV_JWT_SECRET,
      RATE_LIMIT_PER_IP: String(RATE_LIMIT_PER_IP),
      DASHBOARD_PART_TIMEOUT_MS: '1000',
    },
  });
  system = await startSystem(options);
  connection = await Connection.connect({ address: options.temporalAddress });
  temporal = new Client({ connection, namespace: options.temporalNamespace });
  api = `${system.gatewayUrl}/api/v1`;
  alice = await account('alice');
  bob = await account('bob');
  admin = bodyAs(await request('POST', '/auth/login', { email: DEMO_ADMIN.email, password: DEMO_ADMIN.password }), TokenBody).accessToken;
}, 240_000);
afterAll(async () => {
  await system?.stop();
  await connection?.close();
});

describe('authentication', () => {
  const claims = { roles: ['admin'] };
  const sign = (alg: string, key: Parameters<SignJWT['sign']>[0], over: { iss?: string; aud?: string; exp?: string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg })
      .setSubject(alice.id)
      .setIssuedAt()
      .setIssuer(over.iss ?? 'sagashop')
      .setAudience(over.aud ?? 'sagashop-api')
      .setExpirationTime(over.exp ?? '10m')
      .sign(key);
  const secret = new TextEncoder().encode(DEV_JWT_SECRET);

  it('accepts its own tokens and rejects every forged or stale one with 401', async () => {
    expect((await request('GET', '/me', undefined, alice.token)).body).toMatchObject({ id: alice.id, roles: ['customer'] });
    const header = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const payload = header({
      sub: alice.id,
      roles: ['admin'],
      iss: 'sagashop',
      aud: 'sagashop-api',
      exp: Math.floor(Date.now() / 1000) + 600,
      iat: Math.floor(Date.now() / 1000),
    });
    const { privateKey } = await generateKeyPair('RS256');
    const forged = [
      `${header({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      await sign('HS256', new TextEncoder().encode('some-other-secret-that-is-long-enough-1234')),
      await sign('RS256', privateKey),
      await sign('HS512', secret),
      await sign('HS256', secret, { exp: '-1m' }),
      await sign('HS256', secret, { aud: 'someone-else' }),
      await sign('HS256', secret, { iss: 'evil' }),
      'not-a-jwt',
    ];
    for (const token of forged) {
      const res = await request('GET', '/me', undefined, token);
      expect(res.status, token.slice(0, 30)).toBe(401);
      problemOf(res, 401);
    }
    problemOf(await request('GET', '/me'), 401);
  });

  it('register and login failures', async () => {
    expect((await request('POST', '/auth/register', { email: 'x@example.com', password: 'short', name: 'X' })).status).toBe(400);
    const dup = await request('POST', '/auth/register', { email: DEMO_ADMIN.email.toUpperCase(), password: 'long-enough-pw', name: 'X' });
    expect(dup.status).toBe(409);
    expect((await request('POST', '/auth/login', { email: DEMO_ADMIN.email, password: 'wrong-password' })).status).toBe(401);
  });
});

describe('authorisation and input', () => {
  it("another user's order is 404; admin routes are 403 for customers", async () => {
    const placed = await request('POST', '/orders', order(), alice.token, { 'Idempotency-Key': randomUUID() });
    expect(placed.status).toBe(202);
    const { orderId } = bodyAs(placed, OrderIdBody);
    expect(placed.headers.get('location')).toBe(`/api/v1/orders/${orderId}`);
    problemOf(await request('GET', `/orders/${orderId}`, undefined, bob.token), 404);
    expect((await request('POST', `/orders/${orderId}/cancel`, undefined, bob.token)).status).toBe(404);
    expect((await request('GET', `/orders/${orderId}`, undefined, admin)).status).toBe(200);
    problemOf(await request('PUT', '/inventory/MUG-SAGA', { available: 1 }, alice.token), 403);
    problemOf(
      await request('POST', '/products', { sku: 'NEW-1', name: 'n', description: '', priceCents: 1, currency: 'EUR' }, alice.token),
      403,
    );
    problemOf(await request('POST', `/orders/${orderId}/approve`, undefined, alice.token), 403);
  });

  it('rejects operator injection, malformed JSON and unknown routes as problems', async () => {
    for (const body of [
      { email: { $ne: '' }, password: 'x' },
      { email: 'a@b.co', password: { $gt: '' } },
    ])
      problemOf(await request('POST', '/auth/login', body), 400);
    const injected = await request('POST', '/orders', { ...order(), items: [{ sku: { $ne: '' }, quantity: 1 }] }, alice.token, {
      'Idempotency-Key': randomUUID(),
    });
    problemOf(injected, 400);
    expect(bodyAs(injected, ValidationBody).errors[0]?.path).toContain('items');
    problemOf(await request('POST', '/auth/login', '{"email": "a@b.co",'), 400);
    problemOf(await request('GET', '/no/such/route'), 404);
    problemOf(await request('POST', '/orders', order(), alice.token), 400); // Idempotency-Key is required
  });

  it('a 1 MiB name ending in a control character is a 400 while the gateway stays live; 90,000 unknown keys a short 400', async () => {
    // The name once went through a quadratic pattern (minutes for 1 MiB, the gateway frozen meanwhile);
    // the length limit now stops validation before any pattern runs.
    const name = `${'a'.repeat(1_000_000)}\u0001`;
    const [registered, live] = await Promise.all([
      request('POST', '/auth/register', { email: `${uniqueName('long')}@example.com`, password: 'correct-horse-battery', name }),
      fetch(`${system.gatewayUrl}/health/live`),
    ]);
    problemOf(registered, 400);
    expect(bodyAs(registered, ValidationBody).errors).toEqual([{ path: 'name', message: anyString() }]);
    expect(live.status).toBe(200);
    // Validation messages quote the input (unknown keys); the answer stays small all the same.
    const wide = Object.fromEntries(Array.from({ length: 90_000 }, (_, i) => [`k${i}`, 1]));
    const res = await fetch(`${api}/orders`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${alice.token}`, 'Idempotency-Key': randomUUID() },
      body: JSON.stringify(wide),
    });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text.length).toBeLessThan(20_000);
  });

  it("echoes the client's request id and sets secure headers", async () => {
    const res = await request('GET', '/products', undefined, undefined, { 'X-Request-Id': 'trace-abc-123' });
    expect(res.headers.get('x-request-id')).toBe('trace-abc-123');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(bodyAs(res, ItemsBody).items.length).toBeGreaterThan(0);
  });
  it('refuses bodies over 1 MiB with 413, also when chunked', async () => {
    const big = JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(1_100_000) });
    problemOf(await request('POST', '/auth/login', big), 413);
    // Chunked: the server answers once it has read 1 MiB and closes the connection, so a
    // client still writing the rest may see EPIPE; the answer it was sent is what counts.
    const res = await new Promise<{ status?: number; connection?: string }>((resolve, reject) => {
      const req = httpRequest(`${api}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (answer) => {
        answer.resume();
        resolve({ status: answer.statusCode, connection: answer.headers.connection });
      });
      req.on('error', (error: NodeJS.ErrnoException) =>
        error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error),
      );
      for (let i = 0; i < 12; i++) req.write('x'.repeat(100_000));
      req.end();
    });
    expect(res.status).toBe(413);
    // the rest of the body is never read, so the server must not offer the connection for reuse
    expect(res.connection).toBe('close');
  });
});

describe('Idempotency-Key', () => {
  it('same key + same body replays the first answer; another body gets 422', async () => {
    const key = randomUUID();
    const first = await request('POST', '/orders', order(), alice.token, { 'Idempotency-Key': key });
    const again = await request('POST', '/orders', order(), alice.token, { 'Idempotency-Key': key });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(bodyAs(again, OrderIdBody).orderId).toBe(bodyAs(first, OrderIdBody).orderId);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    problemOf(await request('POST', '/orders', order('MUG-SAGA'), alice.token, { 'Idempotency-Key': key }), 422);
    // keys are scoped to the caller: bob's same key is his own, new order
    const bobs = await request('POST', '/orders', order(), bob.token, { 'Idempotency-Key': key });
    expect(bodyAs(bobs, OrderIdBody).orderId).not.toBe(bodyAs(first, OrderIdBody).orderId);
  });

  it('a body nested 60,000 deep is a 400 on /orders and /cart/checkout, and stores nothing under its key', async () => {
    // JSON.parse takes it; recursing over it (fingerprinting it for the key) overflowed the stack: a 500.
    const deep = `${'['.repeat(60_000)}${']'.repeat(60_000)}`;
    const details = { paymentToken: 'tok_visa', shippingAddress: address };
    expect((await request('POST', '/cart/items', { sku: 'STICKERS-5', quantity: 1 }, alice.token)).status).toBe(200);
    for (const [path, valid] of [
      ['/orders', order()],
      ['/cart/checkout', details],
    ] as const) {
      const key = randomUUID();
      for (const body of [deep, `{"shippingAddress":${deep}}`])
        problemOf(await request('POST', path, body, alice.token, { 'Idempotency-Key': key }), 400);
      // Nothing was remembered for the key: a valid body with it is a new request (not 422, 409 or a replay).
      const placed = await resentUntilAnswered(() => request('POST', path, valid, alice.token, { 'Idempotency-Key': key }));
      expect(placed.status, path).toBe(202);
      expect(placed.headers.get('idempotent-replayed'), path).toBeNull();
    }
  });

  it('concurrent duplicates never create two orders: counted in the answers, the sagas and the read model', async () => {
    // A customer of its own: every saga and order of theirs is one these copies made.
    const dup = await account('dup');
    await expectOneOrderPerKey({
      place: (key) => request('POST', '/orders', order(), dup.token, { 'Idempotency-Key': key }),
      readModel: async () => bodyAs(await request('GET', '/orders?limit=100', undefined, dup.token), OrderIdsBody).items,
      temporal,
      customerId: dup.id,
    });
  }, 120_000);
});

describe('dashboard and health', () => {
  it('degrades a failed part to null instead of failing', async () => {
    const ok = await request('GET', '/dashboard', undefined, alice.token);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ user: { id: alice.id }, degraded: [] });
    const restart = await system.stopService('notifications');
    try {
      const degraded = await request('GET', '/dashboard', undefined, alice.token);
      expect(degraded.status).toBe(200);
      expect(degraded.body).toMatchObject({ user: { id: alice.id }, unreadNotifications: null, degraded: ['unreadNotifications'] });
      const ready = await fetch(`${system.gatewayUrl}/health/ready`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { checks: Record<string, { status: string }> }).checks.notifications?.status).toBe('down');
      problemOf(await request('GET', '/notifications', undefined, alice.token), 503);
    } finally {
      await restart();
    }
    await expectReady(system.gatewayUrl);
  });

  it('serves the OpenAPI document and the docs page', async () => {
    const spec = (await (await fetch(`${system.gatewayUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    for (const path of [
      '/api/v1/orders',
      '/api/v1/orders/{orderId}',
      '/api/v1/cart/checkout',
      '/api/v1/dashboard',
      '/api/v1/shipments/{shipmentId}/events',
    ])
      expect(spec.paths[path], path).toBeTruthy();
    expect((await fetch(`${system.gatewayUrl}/docs`)).status).toBe(200);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After and RateLimit headers past the per-IP limit', async () => {
    const answers = await Promise.all(Array.from({ length: RATE_LIMIT_PER_IP + 10 }, () => request('GET', '/products?limit=1')));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    const one = limited[0]!;
    problemOf(one, 429);
    expect(Number(one.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(one.headers.get('ratelimit-limit')).toBe(String(RATE_LIMIT_PER_IP));
    expect(answers.find((a) => a.status === 200)?.headers.get('ratelimit-remaining')).toBeTruthy();
  });
});
