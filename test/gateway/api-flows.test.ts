// The success paths of the API (docs/api.md) on the running system, with the status codes and
// body fields the contract fixes: catalog (list, search, pages, one product,
// admin create/update, stock), cart (add, read, remove, clear), checkout (starts
// the saga, empties the cart, the order shows up), orders (list page by page,
// cancel 200/409, approve 200/409, events), the carrier webhook (SHIPPED,
// DELIVERED), notifications (list, unread, mark read, pages) and the OpenAPI document.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEMO_ADMIN, DEMO_PRODUCTS } from '../../shared/demo-data.js';
import { ORDER_STATUSES } from '../../shared/domain/vocabulary.js';
import { connectRedis } from '../../shared/redis.js';
import { startSystem, type RunningSystem } from '../../scripts/stack/system.js';
import { stack, uniqueName } from '../support/stack.js';
import { Api, expectProblem, type Answer } from '../support/api.js';
import {
  IdBody,
  ItemsBody,
  JsonObjectBody,
  OrderEventsBody,
  OrderIdBody,
  ShippedOrderBody,
  StatusBody,
  TokenBody,
  bodyAs,
  pageOf,
} from '../support/bodies.js';
import { anyString } from '../support/matchers.js';
import { UNLIMITED_REQUESTS, isolatedSystemOptions } from '../support/system.js';

const address = { name: 'Ada', line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' };
const PRODUCT_FIELDS = ['currency', 'description', 'name', 'priceCents', 'sku'];
const SUMMARY_FIELDS = ['createdAt', 'currency', 'orderId', 'status', 'totalCents'];
const priceOf = (sku: string) => DEMO_PRODUCTS.find((p) => p.sku === sku)!.priceCents;

// What these tests read by name; the loose objects keep every other field for the checks of whole answers.
/** POST /auth/login: the token and its lifetime. */
const LoginBody = TokenBody.extend({ expiresIn: z.number() });
const Product = z.looseObject({ sku: z.string() });
const OrderSummary = z.looseObject({ orderId: z.string(), status: z.string(), createdAt: z.string() });
/** GET /orders/{orderId}. */
const OrderView = z.looseObject({
  status: z.string(),
  totalCents: z.number().nullable(),
  items: z.array(z.unknown()),
  saga: z.object({ steps: z.array(z.unknown()), compensations: z.array(z.unknown()) }),
  shipment: z.looseObject({ shipmentId: z.string() }).nullish(),
  cancellation: z.unknown().optional(),
});
const Notification = z.looseObject({ id: z.string(), template: z.string(), createdAt: z.string(), readAt: z.string().nullable() });
/** GET /dashboard: what it says of the notifications. */
const DashboardBody = z.object({ degraded: z.array(z.unknown()), unreadNotifications: z.array(z.object({ id: z.string() })) });

let system: RunningSystem;
let api: string;
let prefix: string;
let ada: { id: string; token: string };
let bob: { id: string; token: string };
let admin: string;

/** The API as a client sees it (test/support/api.ts), with this file's argument order. */
const request = (method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}): Promise<Answer> =>
  new Api(api).request(method, path, { body, token, headers });

async function account(label: string) {
  const email = `${uniqueName(label)}@example.com`;
  const reg = await request('POST', '/auth/register', { email, password: 'correct-horse-battery', name: label });
  expect(reg.status).toBe(201);
  expect(reg.body).toEqual({ id: anyString(), email, name: label });
  const login = await request('POST', '/auth/login', { email, password: 'correct-horse-battery' });
  expect(login.status).toBe(200);
  // LoginBody reads expiresIn as a number, and the body is exactly these fields.
  const { accessToken, expiresIn } = bodyAs(login, LoginBody);
  expect(login.body).toEqual({ accessToken: anyString(), tokenType: 'Bearer', expiresIn });
  return { id: bodyAs(reg, IdBody).id, token: accessToken };
}

function expectAccepted(res: Answer): string {
  expect(res.status).toBe(202);
  const { orderId } = bodyAs(res, OrderIdBody);
  expect(res.body).toEqual({ orderId, status: 'PENDING', links: { self: `/api/v1/orders/${orderId}` } });
  return orderId;
}

const placeOrder = async (token: string, items: Array<{ sku: string; quantity: number }>, paymentToken = 'tok_visa') =>
  expectAccepted(
    await request('POST', '/orders', { items, paymentToken, shippingAddress: address }, token, { 'Idempotency-Key': randomUUID() }),
  );

/** Polls (a wait, not a timing assertion) until the answer of GET `path` reads as `schema` and `done` holds for it. */
async function until<T>(path: string, token: string, schema: z.ZodType<T>, done: (body: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 45_000;
  let last: unknown;
  while (Date.now() < deadline) {
    const res = await request('GET', path, undefined, token);
    last = res.body;
    const read = schema.safeParse(last);
    if (res.status === 200 && read.success && done(read.data)) return read.data;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${path} did not reach ${what}; last seen ${JSON.stringify(last)}`);
}

const orderReaches = (orderId: string, token: string, statuses: string[]) =>
  until(`/orders/${orderId}`, token, OrderView, (o) => statuses.includes(o.status), statuses.join('/'));

/** Every page of a cursor-paginated list, its items read by `item`. */
async function allPages<T>(
  path: string,
  token: string | undefined,
  limit: number,
  item: z.ZodType<T>,
): Promise<{ pages: T[][]; items: T[] }> {
  const pages: T[][] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await request(
      'GET',
      `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      undefined,
      token,
    );
    expect(res.status).toBe(200);
    const page = bodyAs(res, pageOf(item));
    expect(page.items.length).toBeLessThanOrEqual(limit);
    pages.push(page.items);
    cursor = page.nextCursor;
    expect(pages.length).toBeLessThan(100);
  } while (cursor);
  return { pages, items: pages.flat() };
}

beforeAll(async () => {
  const options = await isolatedSystemOptions('flows', {
    env: { SEED_DEMO: 'true', ...UNLIMITED_REQUESTS },
  });
  prefix = options.prefix;
  system = await startSystem(options);
  api = `${system.gatewayUrl}/api/v1`;
  ada = await account('ada');
  bob = await account('bob');
  const login = await request('POST', '/auth/login', { email: DEMO_ADMIN.email, password: DEMO_ADMIN.password });
  admin = bodyAs(login, TokenBody).accessToken;
}, 240_000);
afterAll(async () => {
  await system?.stop();
});

describe('catalog', () => {
  it("lists products with exactly the contract's fields, and pages through them with the cursor", async () => {
    const all = await request('GET', '/products?limit=100');
    expect(all.status).toBe(200);
    expect(Object.keys(bodyAs(all, JsonObjectBody)).sort()).toEqual(['items', 'nextCursor']);
    const products = bodyAs(all, pageOf(Product));
    expect(products.nextCursor).toBeNull();
    for (const p of products.items) expect(Object.keys(p).sort()).toEqual(PRODUCT_FIELDS);
    const skus = products.items.map((p) => p.sku);
    expect(skus).toEqual([...skus].sort());
    expect(skus).toEqual(expect.arrayContaining(DEMO_PRODUCTS.map((p) => p.sku)));

    const paged = await allPages('/products', undefined, 3, Product);
    expect(paged.items.map((p) => p.sku)).toEqual(skus);
    expect(paged.pages.length).toBe(Math.ceil(skus.length / 3));
    expect(paged.pages.slice(0, -1).every((page) => page.length === 3)).toBe(true);

    // without a limit: the default page size, still a page with a cursor field
    const first = await request('GET', '/products');
    expect(first.status).toBe(200);
    expect(bodyAs(first, ItemsBody).items.length).toBeGreaterThan(0);
    expect('nextCursor' in bodyAs(first, JsonObjectBody)).toBe(true);
  });

  it('searches sku, name and description case-insensitively, also page by page', async () => {
    const skusFor = async (q: string) => {
      const res = await request('GET', `/products?q=${encodeURIComponent(q)}&limit=100`);
      expect(res.status).toBe(200);
      return bodyAs(res, pageOf(Product)).items.map((p) => p.sku);
    };
    expect(await skusFor('shirt')).toEqual(['TSHIRT-BLUE-L', 'TSHIRT-RED-M']);
    expect(await skusFor('mug-saga')).toEqual(['MUG-SAGA']);
    expect(await skusFor('DISHWASHER')).toEqual(['MUG-SAGA']);
    expect(await skusFor('no product has this text')).toEqual([]);
    // a regex-looking query is plain text
    expect(await skusFor('.*')).toEqual([]);

    const paged = await allPages('/products?q=shirt', undefined, 1, Product);
    expect(paged.pages.map((page) => page.map((p) => p.sku))).toEqual([['TSHIRT-BLUE-L'], ['TSHIRT-RED-M']]);
  });

  it('gets one product; an unknown sku is 404', async () => {
    const mug = DEMO_PRODUCTS.find((p) => p.sku === 'MUG-SAGA')!;
    const res = await request('GET', '/products/MUG-SAGA');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      sku: mug.sku,
      name: mug.name,
      description: mug.description,
      priceCents: mug.priceCents,
      currency: mug.currency,
    });
    expectProblem(await request('GET', '/products/NO-SUCH-SKU'), 404);
  });

  it('admin creates (201) and updates (200) a product; the change is visible at once', async () => {
    const sku = `TEST-${randomBytes(4).toString('hex').toUpperCase()}`;
    const product = { sku, name: 'Test lamp', description: 'A lamp for tests', priceCents: 2599, currency: 'EUR' };
    const created = await request('POST', '/products', product, admin);
    expect(created.status).toBe(201);
    expect(created.body).toEqual(product);
    expect((await request('GET', `/products/${sku}`)).body).toEqual(product);
    expectProblem(await request('POST', '/products', product, admin), 409);

    const update = { name: 'Test lamp, brass', description: 'Now in brass', priceCents: 3199, currency: 'EUR' };
    const updated = await request('PUT', `/products/${sku}`, update, admin);
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ sku, ...update });
    // the catalog's cache was invalidated: the next read shows the new version
    expect((await request('GET', `/products/${sku}`)).body).toEqual({ sku, ...update });
    expect(bodyAs(await request('GET', `/products?q=${sku}`), ItemsBody).items).toEqual([{ sku, ...update }]);

    // PUT creates a product that did not exist
    const fresh = `${sku}-NEW`;
    const put = await request('PUT', `/products/${fresh}`, update, admin);
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ sku: fresh, ...update });
    expect((await request('GET', `/products/${fresh}`)).status).toBe(200);

    // and its stock (admin): set, then read
    const stock = await request('PUT', `/inventory/${sku}`, { available: 7 }, admin);
    expect(stock.status).toBe(200);
    expect(stock.body).toEqual({ sku, available: 7, reserved: 0 });
    expect((await request('GET', `/inventory/${sku}`)).body).toEqual({ sku, available: 7, reserved: 0 });
  });
});

describe('cart', () => {
  it('adds (200 cart), reads, removes a line and clears', async () => {
    expect(await request('GET', '/cart', undefined, ada.token)).toMatchObject({ status: 200, body: { items: [] } });
    const added = await request('POST', '/cart/items', { sku: 'MUG-SAGA', quantity: 2 }, ada.token);
    expect(added.status).toBe(200);
    expect(added.body).toEqual({ items: [{ sku: 'MUG-SAGA', quantity: 2 }] });
    expect((await request('POST', '/cart/items', { sku: 'STICKERS-5', quantity: 1 }, ada.token)).body).toEqual({
      items: [
        { sku: 'MUG-SAGA', quantity: 2 },
        { sku: 'STICKERS-5', quantity: 1 },
      ],
    });
    // adding more of a product adds to its line
    expect((await request('POST', '/cart/items', { sku: 'MUG-SAGA', quantity: 1 }, ada.token)).body).toEqual({
      items: [
        { sku: 'MUG-SAGA', quantity: 3 },
        { sku: 'STICKERS-5', quantity: 1 },
      ],
    });
    expect((await request('GET', '/cart', undefined, ada.token)).body).toEqual({
      items: [
        { sku: 'MUG-SAGA', quantity: 3 },
        { sku: 'STICKERS-5', quantity: 1 },
      ],
    });
    // bob's cart is his own
    expect((await request('GET', '/cart', undefined, bob.token)).body).toEqual({ items: [] });
    expectProblem(await request('POST', '/cart/items', { sku: 'NO-SUCH-SKU', quantity: 1 }, ada.token), 404);

    const removed = await request('DELETE', '/cart/items/MUG-SAGA', undefined, ada.token);
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ items: [{ sku: 'STICKERS-5', quantity: 1 }] });
    const cleared = await request('DELETE', '/cart', undefined, ada.token);
    expect(cleared.status).toBe(200);
    expect(cleared.body).toEqual({ items: [] });
    expect((await request('GET', '/cart', undefined, ada.token)).body).toEqual({ items: [] });
  });
});

describe('checkout', () => {
  const details = { paymentToken: 'tok_visa', shippingAddress: address };

  it("starts the saga (202 + Location), empties the cart, and the order carries the cart's lines", async () => {
    await request('POST', '/cart/items', { sku: 'TSHIRT-RED-M', quantity: 2 }, ada.token);
    await request('POST', '/cart/items', { sku: 'MUG-SAGA', quantity: 1 }, ada.token);
    const key = randomUUID();
    const res = await request('POST', '/cart/checkout', details, ada.token, { 'Idempotency-Key': key });
    const orderId = expectAccepted(res);
    expect(res.headers.get('location')).toBe(`/api/v1/orders/${orderId}`);
    expect((await request('GET', '/cart', undefined, ada.token)).body).toEqual({ items: [] });

    const confirmed = await orderReaches(orderId, ada.token, ['CONFIRMED']);
    expect(confirmed).toMatchObject({
      orderId,
      customerId: ada.id,
      status: 'CONFIRMED',
      totalCents: 2 * priceOf('TSHIRT-RED-M') + priceOf('MUG-SAGA'),
      currency: 'EUR',
    });
    expect(confirmed.items).toEqual(
      expect.arrayContaining([
        { sku: 'TSHIRT-RED-M', quantity: 2, unitPriceCents: priceOf('TSHIRT-RED-M') },
        { sku: 'MUG-SAGA', quantity: 1, unitPriceCents: priceOf('MUG-SAGA') },
      ]),
    );
    expect(confirmed.items).toHaveLength(2);
    expect(confirmed.saga.steps.length).toBeGreaterThan(0);
    for (const step of confirmed.saga.steps) expect(step).toMatchObject({ name: anyString(), status: anyString() });
    await until(
      '/orders?limit=100',
      ada.token,
      pageOf(OrderSummary),
      (page) => page.items.some((o) => o.orderId === orderId),
      'the order in the list',
    );

    // the same request again: the first answer; another body: 422; an empty cart: 409 (the cart's state)
    const replay = await request('POST', '/cart/checkout', details, ada.token, { 'Idempotency-Key': key });
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual(res.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expectProblem(
      await request('POST', '/cart/checkout', { ...details, paymentToken: 'tok_flaky' }, ada.token, { 'Idempotency-Key': key }),
      422,
    );
    expectProblem(await request('POST', '/cart/checkout', details, ada.token, { 'Idempotency-Key': randomUUID() }), 409);
  });

  it('a retry whose stored answer is gone (expired, or Redis lost it) is still the same order and leaves the cart alone', async () => {
    const raw = connectRedis(stack().redisUrl);
    const forget = async () => {
      const keys = await raw.keys(`${prefix}:idem:${ada.id}:/api/v1/cart/checkout:*`);
      if (keys.length) await raw.del(...keys);
      return keys.length;
    };
    try {
      await request('POST', '/cart/items', { sku: 'STICKERS-5', quantity: 1 }, ada.token);
      const key = randomUUID();
      const orderId = expectAccepted(await request('POST', '/cart/checkout', details, ada.token, { 'Idempotency-Key': key }));
      expect(await forget()).toBeGreaterThan(0);

      // the cart is empty now: the retry finds the order it placed
      const retry = await request('POST', '/cart/checkout', details, ada.token, { 'Idempotency-Key': key });
      expect(expectAccepted(retry)).toBe(orderId);
      expect(retry.headers.get('idempotent-replayed')).toBeNull();

      // something new in the cart: a retry is still that order, and must not empty the cart
      await forget();
      await request('POST', '/cart/items', { sku: 'MUG-SAGA', quantity: 1 }, ada.token);
      expect(expectAccepted(await request('POST', '/cart/checkout', details, ada.token, { 'Idempotency-Key': key }))).toBe(orderId);
      expect((await request('GET', '/cart', undefined, ada.token)).body).toEqual({ items: [{ sku: 'MUG-SAGA', quantity: 1 }] });

      // the same key with another body is refused, remembered or not
      await forget();
      expectProblem(
        await request('POST', '/cart/checkout', { ...details, paymentToken: 'tok_flaky' }, ada.token, { 'Idempotency-Key': key }),
        422,
      );
      // and the key of a POST /orders order is not a checkout of it
      const ordered = await request('POST', '/orders', { items: [{ sku: 'STICKERS-5', quantity: 1 }], ...details }, ada.token, {
        'Idempotency-Key': `${key}-o`,
      });
      expectAccepted(ordered);
      expectProblem(await request('POST', '/cart/checkout', details, ada.token, { 'Idempotency-Key': `${key}-o` }), 422);

      const order = await orderReaches(orderId, ada.token, ['CONFIRMED']);
      expect(order.items).toEqual([{ sku: 'STICKERS-5', quantity: 1, unitPriceCents: priceOf('STICKERS-5') }]);
      await request('DELETE', '/cart', undefined, ada.token);
    } finally {
      await raw.quit();
    }
  });
});

describe('orders', () => {
  it("lists the caller's orders newest first, page by page with the cursor", async () => {
    const carol = await account('carol');
    const placed: string[] = [];
    for (let i = 0; i < 5; i++) {
      placed.push(await placeOrder(carol.token, [{ sku: 'STICKERS-5', quantity: i + 1 }]));
      // one at a time into the read model, so "newest first" is the reverse of placing
      await until('/orders?limit=100', carol.token, pageOf(OrderSummary), (page) => page.items.length === i + 1, `${i + 1} orders listed`);
    }
    const all = await request('GET', '/orders?limit=100', undefined, carol.token);
    expect(all.status).toBe(200);
    expect(Object.keys(bodyAs(all, JsonObjectBody)).sort()).toEqual(['items', 'nextCursor']);
    const orders = bodyAs(all, pageOf(OrderSummary));
    expect(orders.nextCursor).toBeNull();
    expect(orders.items.map((o) => o.orderId)).toEqual([...placed].reverse());
    for (const o of orders.items) {
      expect(Object.keys(o).sort()).toEqual(SUMMARY_FIELDS);
      expect(ORDER_STATUSES).toContain(o.status);
    }
    const createdAt = orders.items.map((o) => Date.parse(o.createdAt));
    expect(createdAt).toEqual([...createdAt].sort((a, b) => b - a));

    const paged = await allPages('/orders', carol.token, 2, OrderSummary);
    expect(paged.pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(paged.items.map((o) => o.orderId)).toEqual([...placed].reverse());
    // nobody else's orders
    const bobs = await request('GET', '/orders?limit=100', undefined, bob.token);
    expect(bodyAs(bobs, pageOf(OrderSummary)).items.filter((o) => placed.includes(o.orderId))).toEqual([]);
  });

  it('cancel: 200 {orderId, status} while cancellable, the saga compensates; then 409', async () => {
    const orderId = await placeOrder(ada.token, [{ sku: 'MUG-SAGA', quantity: 1 }]);
    await until(`/orders/${orderId}`, ada.token, ShippedOrderBody, (o) => o.status === 'CONFIRMED', 'CONFIRMED with a shipment');
    const cancelled = await request('POST', `/orders/${orderId}/cancel`, undefined, ada.token);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ orderId, status: anyString() });
    expect(ORDER_STATUSES).toContain(bodyAs(cancelled, StatusBody).status);
    const final = await orderReaches(orderId, ada.token, ['CANCELLED', 'FAILED']);
    expect(final.status).toBe('CANCELLED');
    expect(final.cancellation).toEqual({ reason: 'CUSTOMER_CANCELLED' });
    expect(final.saga.compensations.length).toBeGreaterThan(0);
    expectProblem(await request('POST', `/orders/${orderId}/cancel`, undefined, ada.token), 409);

    const events = await until(
      `/orders/${orderId}/events`,
      ada.token,
      OrderEventsBody,
      (e) => e.items.some((x) => x.type === 'OrderCancelled'),
      'OrderCancelled',
    );
    expect(events.items[0]?.type).toBe('OrderPlaced');
    for (const e of events.items) expect(Object.keys(e).sort()).toEqual(['at', 'data', 'type']);
  });

  it('approve (admin): 200 for an order awaiting approval, which then confirms; 409 after', async () => {
    const orderId = await placeOrder(ada.token, [{ sku: 'ESPRESSO-PRO', quantity: 1 }]);
    await orderReaches(orderId, ada.token, ['AWAITING_APPROVAL']);
    const approved = await request('POST', `/orders/${orderId}/approve`, undefined, admin);
    expect(approved.status).toBe(200);
    expect(approved.body).toEqual({ orderId, status: 'AWAITING_APPROVAL' });
    const confirmed = await orderReaches(orderId, ada.token, ['CONFIRMED', 'CANCELLED', 'FAILED']);
    expect(confirmed.status).toBe('CONFIRMED');
    expect(confirmed.totalCents).toBe(priceOf('ESPRESSO-PRO'));
    expectProblem(await request('POST', `/orders/${orderId}/approve`, undefined, admin), 409);
  });
});

describe('shipments (carrier webhook)', () => {
  it('PICKED_UP (202) ships the order, cancel is then 409, DELIVERED (202) delivers it', async () => {
    const orderId = await placeOrder(ada.token, [{ sku: 'HOODIE-GREY-M', quantity: 1 }]);
    const {
      shipment: { shipmentId },
    } = await until(`/orders/${orderId}`, ada.token, ShippedOrderBody, (o) => o.status === 'CONFIRMED', 'CONFIRMED with a shipment');
    expectProblem(
      await request('POST', `/shipments/${shipmentId}/events`, { type: 'PICKED_UP', at: new Date().toISOString() }, ada.token),
      403,
    );
    expectProblem(
      await request('POST', '/shipments/no-such-shipment/events', { type: 'PICKED_UP', at: new Date().toISOString() }, admin),
      404,
    );

    const picked = await request('POST', `/shipments/${shipmentId}/events`, { type: 'PICKED_UP', at: new Date().toISOString() }, admin);
    expect(picked.status).toBe(202);
    expect(picked.body).toEqual({ accepted: true });
    await orderReaches(orderId, ada.token, ['SHIPPED']);
    const tooLate = await request('POST', `/orders/${orderId}/cancel`, undefined, ada.token);
    expectProblem(tooLate, 409);

    const delivered = await request('POST', `/shipments/${shipmentId}/events`, { type: 'DELIVERED', at: new Date().toISOString() }, admin);
    expect(delivered.status).toBe(202);
    expect(delivered.body).toEqual({ accepted: true });
    const done = await orderReaches(orderId, ada.token, ['DELIVERED']);
    expect(done.shipment).toEqual({ shipmentId, trackingNumber: anyString() });
  });
});

describe('notifications', () => {
  it("lists the caller's notifications newest first, filters unread, marks one read, pages with the cursor", async () => {
    // by now ada has a welcome, confirmations, a cancellation, shipped and delivered messages
    const all = await until(
      '/notifications?limit=100',
      ada.token,
      pageOf(Notification),
      (page) => page.items.some((n) => n.template === 'order_delivered'),
      'order_delivered',
    );
    const templates = all.items.map((n) => n.template);
    expect(templates).toEqual(
      expect.arrayContaining(['welcome', 'order_confirmed', 'order_cancelled', 'order_shipped', 'order_delivered']),
    );
    for (const n of all.items)
      expect(n).toMatchObject({
        id: anyString(),
        channel: anyString(),
        template: anyString(),
        createdAt: anyString(),
        readAt: null,
      });
    const times = all.items.map((n) => Date.parse(n.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // bob's own list holds none of them
    const bobs = await request('GET', '/notifications?limit=100', undefined, bob.token);
    expect(bobs.status).toBe(200);
    expect(bodyAs(bobs, pageOf(Notification)).items.every((n) => n.template === 'welcome')).toBe(true);

    const ids = all.items.map((n) => n.id);
    const paged = await allPages('/notifications', ada.token, 2, Notification);
    expect(paged.items.map((n) => n.id)).toEqual(ids);

    const unreadBefore = await request('GET', '/notifications?unread=true&limit=100', undefined, ada.token);
    expect(bodyAs(unreadBefore, pageOf(Notification)).items.map((n) => n.id)).toEqual(ids);

    const target = all.items.find((n) => n.template === 'welcome')!;
    expectProblem(await request('POST', `/notifications/${encodeURIComponent(target.id)}/read`, undefined, bob.token), 404);
    const read = await request('POST', `/notifications/${encodeURIComponent(target.id)}/read`, undefined, ada.token);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: target.id, template: 'welcome', readAt: anyString() });
    const { readAt } = bodyAs(read, Notification);
    // marking again keeps the first time
    const again = await request('POST', `/notifications/${encodeURIComponent(target.id)}/read`, undefined, ada.token);
    expect(bodyAs(again, Notification).readAt).toBe(readAt);
    expectProblem(await request('POST', '/notifications/no-such-notification/read', undefined, ada.token), 404);

    const unread = await request('GET', '/notifications?unread=true&limit=100', undefined, ada.token);
    expect(bodyAs(unread, pageOf(Notification)).items.map((n) => n.id)).toEqual(ids.filter((id) => id !== target.id));
    const after = await request('GET', '/notifications?unread=false&limit=100', undefined, ada.token);
    expect(bodyAs(after, pageOf(Notification)).items.find((n) => n.id === target.id)?.readAt).toBe(readAt);
    // the dashboard shows the unread ones only
    const dashboard = await request('GET', '/dashboard', undefined, ada.token);
    expect(dashboard.status).toBe(200);
    const board = bodyAs(dashboard, DashboardBody);
    expect(board.degraded).toEqual([]);
    expect(board.unreadNotifications.map((n) => n.id)).not.toContain(target.id);
  });
});

describe('the OpenAPI document', () => {
  it('lists the endpoints added beside the first contract (empty the cart, mark a notification read)', async () => {
    const spec = (await (await fetch(`${system.gatewayUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(spec.paths['/api/v1/cart']?.delete).toBeTruthy();
    expect(spec.paths['/api/v1/notifications/{notificationId}/read']?.post).toBeTruthy();
    for (const path of [
      '/api/v1/products',
      '/api/v1/products/{sku}',
      '/api/v1/cart/items/{sku}',
      '/api/v1/orders/{orderId}/cancel',
      '/api/v1/orders/{orderId}/approve',
      '/api/v1/notifications',
    ]) {
      expect(spec.paths[path], path).toBeTruthy();
    }
  });
});
