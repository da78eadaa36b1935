// Cart on the real Redis, validating products against a real catalog service
// over HTTP: carts only for their owner, quantity and line limits that hold
// under concurrent adds, and 503 when the catalog cannot be reached.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCartActivities } from '../../services/cart/activities.js';
import { createCartApp } from '../../services/cart/app.js';
import { catalogLookup } from '../../services/cart/catalog-lookup.js';
import { MAX_LINES, MAX_QUANTITY } from '../../services/cart/schemas.js';
import { CartStore } from '../../services/cart/store.js';
import { createCatalogApp, type CatalogApp } from '../../services/catalog/app.js';
import { CartCheckouts } from '../../services/cart/checkouts.js';
import { serviceTokens } from '../../shared/auth/jwt.js';
import { CatalogStore } from '../../services/catalog/store.js';
import { ServiceClient } from '../../shared/http/service-client.js';
import type { Redis } from '../../shared/redis.js';
import { ErrorsBody, ItemsBody, PathsBody, bodyAs } from '../support/bodies.js';
import { call, TEST_SERVICE_SECRET } from '../support/http.js';
import { arrayContaining } from '../support/matchers.js';
import { admin, appOptions, customer, expectProblem } from '../support/service.js';
import { testDb, testRedis, type TestDb } from '../support/stack.js';

type TestRedis = { redis: Redis; close(): Promise<void> };
let mongo: TestDb;
let catalogCache: TestRedis;
let cartRedis: TestRedis;
let catalogServer: ServerType;
let catalogStore: CatalogStore;
let store: CartStore;
let app: ReturnType<typeof createCartApp>;

const add = (userId: string, sku: string, quantity: number, as = customer(userId)) =>
  call(app, 'POST', `/carts/${userId}/items`, { sku, quantity }, as);
/** A checkout claim's answer: its state (claimed, busy, stale, committed, empty). */
const cartOf = async (userId: string) => (await store.get(userId)).items;

beforeAll(async () => {
  mongo = await testDb('cart_catalog');
  catalogCache = await testRedis('cart_catalog');
  catalogStore = new CatalogStore(mongo.db, catalogCache.redis);
  await catalogStore.ensureIndexes();
  for (const sku of ['MUG-SAGA', 'TSHIRT-RED-M', 'HOT-1']) {
    await catalogStore.create({ sku, name: `Product ${sku}`, description: '', priceCents: 1000, currency: 'EUR' });
  }
  const catalogApp = createCatalogApp({ store: catalogStore, appOptions: appOptions('catalog', mongo.db) });
  catalogServer = await new Promise<ServerType>((resolve) => {
    const server = serve({ fetch: catalogApp.fetch, port: 0 }, () => resolve(server));
  });
  const baseUrl = `http://127.0.0.1:${(catalogServer.address() as AddressInfo).port}`;

  cartRedis = await testRedis('cart');
  store = new CartStore(cartRedis.redis, 3600);
  app = createCartApp({
    store,
    catalog: catalogLookup(
      new ServiceClient<CatalogApp>({ name: 'catalog', baseUrl, tokens: serviceTokens(TEST_SERVICE_SECRET), timeoutMs: 5_000 }),
    ),
    appOptions: appOptions('cart'),
  });
});
afterAll(async () => {
  if (catalogServer.listening) await new Promise((resolve) => catalogServer.close(resolve));
  await cartRedis.close();
  await catalogCache.close();
  await mongo.close();
});

describe('cart routes', () => {
  it("adds, reads, removes and clears one's own cart", async () => {
    expect((await call(app, 'GET', '/carts/u1', undefined, customer('u1'))).body).toEqual({ items: [] });
    expect((await add('u1', 'TSHIRT-RED-M', 1)).body).toEqual({ items: [{ sku: 'TSHIRT-RED-M', quantity: 1 }] });
    const res = await add('u1', 'MUG-SAGA', 2);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        { sku: 'MUG-SAGA', quantity: 2 },
        { sku: 'TSHIRT-RED-M', quantity: 1 },
      ],
    });
    // adding again adds to the line
    expect(bodyAs(await add('u1', 'MUG-SAGA', 3), ItemsBody).items).toContainEqual({ sku: 'MUG-SAGA', quantity: 5 });
    expect((await call(app, 'GET', '/carts/u1', undefined, customer('u1'))).body).toEqual({
      items: [
        { sku: 'MUG-SAGA', quantity: 5 },
        { sku: 'TSHIRT-RED-M', quantity: 1 },
      ],
    });
    expect(await cartRedis.redis.ttl('cart:u1')).toBeGreaterThan(3500);

    // every write refreshes the TTL, removing a line included
    await cartRedis.redis.expire('cart:u1', 100);
    expect((await call(app, 'DELETE', '/carts/u1/items/TSHIRT-RED-M', undefined, customer('u1'))).body).toEqual({
      items: [{ sku: 'MUG-SAGA', quantity: 5 }],
    });
    expect(await cartRedis.redis.ttl('cart:u1')).toBeGreaterThan(3500);
    // removing a line that is not there changes nothing
    expect((await call(app, 'DELETE', '/carts/u1/items/TSHIRT-RED-M', undefined, customer('u1'))).body).toEqual({
      items: [{ sku: 'MUG-SAGA', quantity: 5 }],
    });
    expect((await call(app, 'DELETE', '/carts/u1', undefined, customer('u1'))).body).toEqual({ items: [] });
    expect((await call(app, 'DELETE', '/carts/u1', undefined, customer('u1'))).body).toEqual({ items: [] });
    expect(await cartOf('u1')).toEqual([]);
    expect(await cartRedis.redis.exists('cart:u1')).toBe(0);
  });

  it('keeps an emptied cart gone rather than a key without a TTL', async () => {
    await add('u9', 'MUG-SAGA', 1);
    await call(app, 'DELETE', '/carts/u9/items/MUG-SAGA', undefined, customer('u9'));
    expect(await cartRedis.redis.exists('cart:u9')).toBe(0);
    expect((await call(app, 'GET', '/carts/u9', undefined, customer('u9'))).body).toEqual({ items: [] });
  });

  it('lets admins act on any cart', async () => {
    expect((await add('u2', 'MUG-SAGA', 1, admin)).status).toBe(200);
    expect((await call(app, 'GET', '/carts/u2', undefined, admin)).body).toEqual({ items: [{ sku: 'MUG-SAGA', quantity: 1 }] });
  });

  it("answers 404 for another user's cart and changes nothing", async () => {
    await add('u3', 'MUG-SAGA', 4);
    expectProblem(await call(app, 'GET', '/carts/u3', undefined, customer('other')), 404);
    expectProblem(await add('u3', 'MUG-SAGA', 1, customer('other')), 404);
    expectProblem(await call(app, 'DELETE', '/carts/u3/items/MUG-SAGA', undefined, customer('other')), 404);
    expectProblem(await call(app, 'DELETE', '/carts/u3', undefined, customer('other')), 404);
    expect(await cartOf('u3')).toEqual([{ sku: 'MUG-SAGA', quantity: 4 }]);
    expect(await cartOf('other')).toEqual([]);
  });

  it('needs a service token', async () => {
    expectProblem(await call(app, 'GET', '/carts/u3', undefined, { anonymous: true }), 401);
    expectProblem(await call(app, 'POST', '/carts/u3/items', { sku: 'MUG-SAGA', quantity: 1 }, { anonymous: true }), 401);
    expectProblem(await call(app, 'DELETE', '/carts/u3', undefined, { anonymous: true }), 401);
    expect(await cartOf('u3')).toEqual([{ sku: 'MUG-SAGA', quantity: 4 }]);
    expect((await call(app, 'GET', '/health/ready', undefined, { anonymous: true })).status).toBe(200);
  });

  it('rejects bad input with 400 and changes nothing', async () => {
    for (const bad of [
      { sku: 'MUG-SAGA', quantity: 0 },
      { sku: 'MUG-SAGA', quantity: -1 },
      { sku: 'MUG-SAGA', quantity: 1.5 },
      { sku: 'MUG-SAGA', quantity: '1' },
      { sku: 'MUG-SAGA', quantity: MAX_QUANTITY + 1 },
      { sku: 'mug-saga', quantity: 1 },
      { sku: { $gt: '' }, quantity: 1 },
      { sku: 'MUG-SAGA', quantity: 1, extra: true },
      { quantity: 1 },
    ]) {
      const res = await call(app, 'POST', '/carts/u3/items', bad, customer('u3'));
      expectProblem(res, 400);
      expect(bodyAs(res, ErrorsBody).errors.length).toBeGreaterThan(0);
    }
    expectProblem(await call(app, 'POST', '/carts/u3/items', undefined, { ...customer('u3'), rawBody: '{not json' }), 400);
    expectProblem(await call(app, 'DELETE', '/carts/u3/items/bad%20sku', undefined, customer('u3')), 400);
    expect(await cartOf('u3')).toEqual([{ sku: 'MUG-SAGA', quantity: 4 }]);
  });

  it('lists its routes in the OpenAPI document', async () => {
    const { paths } = bodyAs(await call(app, 'GET', '/openapi.json', undefined, { anonymous: true }), PathsBody);
    expect(Object.keys(paths)).toEqual(arrayContaining(['/carts/{userId}', '/carts/{userId}/items', '/carts/{userId}/items/{sku}']));
  });
});

describe("checkout claims (the cart's activities, as the checkout workflow calls them)", () => {
  let activities: ReturnType<typeof createCartActivities>;
  beforeAll(() => {
    activities = createCartActivities(new CartCheckouts(cartRedis.redis, 3600));
  });
  const claim = (userId: string, checkoutId: string) => activities.claimCheckout({ userId, checkoutId });
  const commit = (userId: string, checkoutId: string) => activities.commitCheckout({ userId, checkoutId });
  const release = (userId: string, checkoutId: string) => activities.releaseCheckout({ userId, checkoutId });

  it('one of many concurrent claims takes the lines; the others find the cart busy', async () => {
    await add('c1', 'MUG-SAGA', 2);
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => claim('c1', `order-${i}`)));
    const claimed = answers.filter((a) => a.state === 'claimed');
    expect(claimed).toEqual([{ state: 'claimed', items: [{ sku: 'MUG-SAGA', quantity: 2 }], resumed: false }]);
    expect(answers.filter((a) => a.state === 'busy')).toHaveLength(29);
  });

  it('a commit takes out exactly the claimed lines, once; lines added meanwhile stay', async () => {
    await add('c2', 'MUG-SAGA', 2);
    expect((await claim('c2', 'o-2')).state).toBe('claimed');
    await add('c2', 'MUG-SAGA', 3);
    await add('c2', 'TSHIRT-RED-M', 1);
    // the same checkout again (a retried activity) gets its claim back
    expect(await claim('c2', 'o-2')).toEqual({ state: 'claimed', items: [{ sku: 'MUG-SAGA', quantity: 2 }], resumed: true });
    const rest = [
      { sku: 'MUG-SAGA', quantity: 3 },
      { sku: 'TSHIRT-RED-M', quantity: 1 },
    ];
    expect(await commit('c2', 'o-2')).toEqual({ taken: true });
    expect(await cartOf('c2')).toEqual(rest);
    expect(await commit('c2', 'o-2')).toEqual({ taken: false });
    expect(await cartOf('c2')).toEqual(rest);
    // that checkout is done; another one takes what is in the cart now
    expect(await claim('c2', 'o-2')).toEqual({ state: 'committed' });
    expect(await claim('c2', 'o-3')).toEqual({ state: 'claimed', items: rest, resumed: false });
  });

  it("a release gives the lines back only for the claim's own checkout; an empty cart has nothing to claim", async () => {
    await add('c3', 'MUG-SAGA', 1);
    expect((await claim('c3', 'o-4')).state).toBe('claimed');
    expect((await claim('c3', 'o-5')).state).toBe('busy');
    expect(await release('c3', 'o-5')).toEqual({ released: false }); // not its claim: nothing happens
    expect((await claim('c3', 'o-5')).state).toBe('busy');
    expect(await release('c3', 'o-4')).toEqual({ released: true });
    expect(await cartOf('c3')).toEqual([{ sku: 'MUG-SAGA', quantity: 1 }]);
    expect((await claim('c3', 'o-5')).state).toBe('claimed');
    expect(await claim('c-empty', 'o-6')).toEqual({ state: 'empty' });
  });

  it('a claim never lapses by itself: it lives as long as the cart, and its checkout settles it', async () => {
    await add('c4', 'MUG-SAGA', 1);
    expect((await claim('c4', 'o-8')).state).toBe('claimed');
    expect(await cartRedis.redis.ttl('cart:c4:checkout')).toBeGreaterThan(3000);
    expect((await claim('c4', 'o-9')).state).toBe('busy');
    expect(await commit('c4', 'o-8')).toEqual({ taken: true });
    expect(await claim('c4', 'o-9')).toEqual({ state: 'empty' });
  });

  it('a malformed checkout is refused as non-retryable InvalidInput and claims nothing', async () => {
    await add('c5', 'MUG-SAGA', 1);
    await expect(activities.claimCheckout({ userId: 'c5', checkoutId: 'o 1' })).rejects.toMatchObject({
      type: 'InvalidInput',
      nonRetryable: true,
    });
    await expect(activities.claimCheckout({ userId: 'c5', checkoutId: 'x'.repeat(1 << 20) })).rejects.toMatchObject({
      type: 'InvalidInput',
    });
    expect(await cartRedis.redis.exists('cart:c5:checkout')).toBe(0);
  });
});

describe('cart limits and the catalog', () => {
  it('answers 404 for a sku the catalog does not know, and adds nothing', async () => {
    expectProblem(await add('u4', 'NOPE-1', 1), 404);
    expect(await cartOf('u4')).toEqual([]);
  });

  it('answers 409 past the quantity limit (a conflict with what the cart holds) and keeps the line as it was', async () => {
    expect((await add('u5', 'MUG-SAGA', 98)).status).toBe(200);
    expect(bodyAs(await add('u5', 'MUG-SAGA', 1), ItemsBody).items).toEqual([{ sku: 'MUG-SAGA', quantity: MAX_QUANTITY }]);
    expectProblem(await add('u5', 'MUG-SAGA', 1), 409);
    expect(await cartOf('u5')).toEqual([{ sku: 'MUG-SAGA', quantity: MAX_QUANTITY }]);
  });

  it('never exceeds the limit under concurrent adds', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => add('u6', 'HOT-1', 10)));
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 409);
    expect(ok).toHaveLength(9);
    expect(refused).toHaveLength(11);
    refused.forEach((r) => expectProblem(r, 409));
    expect(await cartOf('u6')).toEqual([{ sku: 'HOT-1', quantity: 90 }]);
  });

  it('refuses more lines than the limit (checked in the store, where products need no catalog)', async () => {
    for (let i = 0; i < MAX_LINES; i++) await store.add('u7', `SKU-${String(i).padStart(2, '0')}`, 1);
    await expect(store.add('u7', 'SKU-EXTRA', 1)).rejects.toMatchObject({ type: 'InvalidInput' });
    // a line already in the cart can still grow
    expect((await store.add('u7', 'SKU-00', 1)).items[0]).toEqual({ sku: 'SKU-00', quantity: 2 });
    expect(await cartOf('u7')).toHaveLength(MAX_LINES);
  });

  it('answers 503 when the catalog cannot be reached, and adds nothing', async () => {
    await new Promise((resolve) => catalogServer.close(resolve));
    expectProblem(await add('u8', 'MUG-SAGA', 1), 503);
    expect(await cartOf('u8')).toEqual([]);
    // reading and clearing need no catalog
    expect((await call(app, 'GET', '/carts/u3', undefined, customer('u3'))).status).toBe(200);
  });
});
