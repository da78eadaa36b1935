// Per-call downstream budgets: a gateway process whose services are local stand-ins
// that misbehave — one accepts connections and never answers, one sends its headers
// and then never finishes the body, one breaks off its answer, one refuses connections.
// The users stand-in answers only the gateway's account check of a token (so signed-in
// requests get as far as the misbehaving service) and never answers anything else.
// Every call must end in a problem+json answer (504 past DOWNSTREAM_TIMEOUT_MS, 502
// for a broken answer, 503 when unreachable), the
// dashboard must degrade instead of failing, and readiness must say which are down.
// Only statuses are asserted, never durations; each fetch carries a generous abort
// signal so that a hang fails the test instead of stalling it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/stack/processes.js';
import { startGateway, type ExtraGateway, type ServiceName } from '../../scripts/stack/system.js';
import { ChecksBody, DetailBody, bodyAs } from '../support/bodies.js';
import { UNLIMITED_REQUESTS } from '../support/system.js';
import { anyString } from '../support/matchers.js';
import { stack, uniqueName } from '../support/stack.js';
import { bodyOf } from '../../shared/http/body.js';

const JWT_SECRET = 'timeouts-test-jwt-secret-0123456789abcdef';
const NO_HANG = 30_000; // far above every budget below: only reached if the gateway hangs

let gateway: ExtraGateway;
const servers: Server[] = [];
const open: ServerResponse[] = [];

/** A local HTTP server that calls `handle` and keeps every response open until the test ends. */
async function standIn(handle: (res: ServerResponse, req: IncomingMessage) => void): Promise<string> {
  const server = createServer((req, res) => {
    open.push(res);
    handle(res, req);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

async function request(path: string, init: { method?: string; token?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${gateway.url}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(NO_HANG),
  });
  const body = await bodyOf(res);
  return { status: res.status, body, contentType: res.headers.get('content-type') };
}

function expectProblem(res: { status: number; body: unknown; contentType: string | null }, status: number) {
  expect(res.status).toBe(status);
  expect(res.contentType).toContain('application/problem+json');
  expect(res.body).toMatchObject({ status, type: anyString(), title: anyString(), detail: anyString() });
}

const token = (sub: string, roles = ['customer']) =>
  new SignJWT({ roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer('sagashop')
    .setAudience('sagashop-api')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(JWT_SECRET));

beforeAll(async () => {
  // never answers at all
  const silent = await standIn(() => undefined);
  // answers 200 and its headers at once, then never finishes the body
  const stalled = await standIn((res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{"items": [');
  });
  // answers 200 and half a body, then drops the connection
  const broken = await standIn((res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
    res.write('{"orderId": "');
    setImmediate(() => res.socket?.destroy());
  });
  // nothing listens there
  const refused = `http://127.0.0.1:${await freePort()}`;
  // every account is active (an admin when its id says so); nothing else is ever answered
  const users = await standIn((res, req) => {
    const access = /^\/users\/([^/]+)\/access$/.exec(req.url ?? '');
    if (!access) return;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ userId: access[1], roles: access[1]!.includes('admin') ? ['admin'] : ['customer'], active: true }));
  });
  const urls: Record<ServiceName, string> = {
    users,
    catalog: silent,
    inventory: stalled,
    cart: silent,
    orders: refused,
    payments: silent,
    notifications: stalled,
    shipping: broken,
  };
  const s = stack();
  const prefix = `${uniqueName('timeouts')}_`;
  gateway = await startGateway(
    {
      mongoUrl: s.mongoUrl,
      redisUrl: s.redisUrl,
      temporalAddress: s.temporalAddress,
      temporalNamespace: s.temporalNamespace,
      logDir: join(s.logDir, prefix),
      prefix,
    },
    urls,
    {
      JWT_SECRET,
      DOWNSTREAM_TIMEOUT_MS: '300',
      DASHBOARD_PART_TIMEOUT_MS: '200',
      ...UNLIMITED_REQUESTS,
    },
    'gateway-timeouts',
  );
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  for (const res of open) res.destroy();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('a downstream service that hangs', () => {
  it('that never answers: 504 problem', async () => {
    const res = await request('/api/v1/products?limit=1');
    expectProblem(res, 504);
    expect(bodyAs(res, DetailBody).detail).toContain('catalog');
    expectProblem(await request('/api/v1/products/MUG-SAGA'), 504);
  });

  it('that sends its headers and then stalls the body: 504 problem, not a 500', async () => {
    const res = await request('/api/v1/inventory/MUG-SAGA');
    expectProblem(res, 504);
    expect(bodyAs(res, DetailBody).detail).toContain('inventory');
  });

  it('on a write, with a signed-in caller: 504 problem', async () => {
    const t = await token('timeout-user-1');
    expectProblem(await request('/api/v1/cart/items', { method: 'POST', token: t, body: { sku: 'MUG-SAGA', quantity: 1 } }), 504);
    expectProblem(await request('/api/v1/notifications', { token: t }), 504);
  });

  it('that breaks off its answer mid-body: 502 problem', async () => {
    const res = await request('/api/v1/shipments/shp-1/events', {
      method: 'POST',
      token: await token('timeout-admin', ['admin']),
      body: { type: 'PICKED_UP', at: new Date().toISOString() },
    });
    expectProblem(res, 502);
    expect(bodyAs(res, DetailBody).detail).toContain('shipping');
  });

  it('that refuses connections: 503 problem', async () => {
    const res = await request('/api/v1/orders', { token: await token('timeout-user-3') });
    expectProblem(res, 503);
    expect(bodyAs(res, DetailBody).detail).toContain('orders');
    // logging in: the users service never answers
    const login = await request('/api/v1/auth/login', {
      method: 'POST',
      body: { email: 'ada@example.com', password: 'correct-horse-battery' },
    });
    expectProblem(login, 504);
    expect(bodyAs(login, DetailBody).detail).toContain('users');
  });

  it('many at once: every request gets its answer', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => request(i % 2 ? '/api/v1/products' : '/api/v1/inventory/MUG-SAGA')),
    );
    for (const a of answers) expectProblem(a, 504);
  });

  it('the dashboard degrades every part instead of failing', async () => {
    const res = await request('/api/v1/dashboard', { token: await token('timeout-user-2') });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user: null,
      recentOrders: null,
      unreadNotifications: null,
      degraded: ['user', 'recentOrders', 'unreadNotifications'],
    });
  });

  it('readiness answers 503 naming the services that do not answer', async () => {
    const res = await request('/health/ready');
    expect(res.status).toBe(503);
    expect(res.contentType).toContain('application/problem+json');
    const { checks } = bodyAs(res, ChecksBody);
    for (const name of ['users', 'catalog', 'inventory', 'cart', 'orders', 'payments', 'notifications', 'shipping'])
      expect(checks[name], name).toMatchObject({ status: 'down' });
    expect(checks.redis).toEqual({ status: 'up' });
    expect(checks.temporal).toEqual({ status: 'up' });
    // the process itself is fine
    expect((await request('/health/live')).status).toBe(200);
  });
});
