// Catalog on the real Mongo-protocol server and Redis: search with cursor
// pagination, the cache-aside for single products (and reads that survive a
// Redis outage), admin-only writes, the demo seed and the order price snapshot.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCatalogActivities } from '../../services/catalog/activities.js';
import { createCatalogApp } from '../../services/catalog/app.js';
import { CatalogStore } from '../../services/catalog/store.js';
import { DEMO_PRODUCTS } from '../../shared/demo-data.js';
import { MAX_AMOUNT_CENTS } from '../../shared/domain/money.js';
import { connectRedis } from '../../shared/redis.js';
import { ErrorsBody, ItemsBody, bodyAs } from '../support/bodies.js';
import { call } from '../support/http.js';
import { arrayContaining } from '../support/matchers.js';
import { admin, appOptions, customer, expectBusinessFailure, expectProblem, withAnyInput } from '../support/service.js';
import { stack, testDb, testRedis, type TestDb } from '../support/stack.js';

let mongo: TestDb;
let cache: Awaited<ReturnType<typeof testRedis>>;
let store: CatalogStore;
let app: ReturnType<typeof createCatalogApp>;
const activities = () => createCatalogActivities(store);
const alice = customer('u1');

const product = (sku: string, over: Record<string, unknown> = {}) => ({
  sku,
  name: `Product ${sku}`,
  description: `All about ${sku}`,
  priceCents: 1000,
  currency: 'EUR',
  ...over,
});
const createProduct = (body: unknown) => call(app, 'POST', '/products', body, admin);
const cacheKey = (sku: string) => `catalog:product:${sku}`;

/** A product, as the catalog answers it. */
const ProductBody = z.object({ name: z.string(), priceCents: z.number() });
/** A page of the search: the skus on it and the cursor of the next one. */
const ProductPage = z.object({ items: z.array(z.object({ sku: z.string() })), nextCursor: z.string().nullable() });
const skusOn = (res: { body: unknown }) => bodyAs(res, ProductPage).items.map((p) => p.sku);
/** The OpenAPI document: each path's operations, by method. */
const OperationsBody = z.object({ paths: z.record(z.string(), z.record(z.string(), z.unknown())) });

beforeAll(async () => {
  mongo = await testDb('catalog');
  cache = await testRedis('catalog');
  store = new CatalogStore(mongo.db, cache.redis);
  await store.ensureIndexes();
  app = createCatalogApp({ store, appOptions: appOptions('catalog', mongo.db) });
});
afterAll(async () => {
  await cache.close();
  await mongo.close();
});

describe('creating products', () => {
  it('lets an admin create a product and answers it without timestamps', async () => {
    const res = await createProduct(product('MUG-1', { name: '  Mug  ' }));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ sku: 'MUG-1', name: 'Mug', description: 'All about MUG-1', priceCents: 1000, currency: 'EUR' });
    const doc = await store.products.findOne({ _id: 'MUG-1' });
    expect(doc).toMatchObject({ name: 'Mug', priceCents: 1000 });
    expect(doc?.createdAt).toBeInstanceOf(Date);
    expect(doc?.updatedAt).toBeInstanceOf(Date);
  });

  it('answers 409 for an existing sku and keeps the first product', async () => {
    await createProduct(product('DUP-1'));
    const res = await createProduct(product('DUP-1', { priceCents: 1 }));
    expectProblem(res, 409);
    expect((await store.products.findOne({ _id: 'DUP-1' }))?.priceCents).toBe(1000);
  });

  it('creates one product when the same sku is created concurrently', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => createProduct(product('RACE-1', { priceCents: i + 1 }))));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(3);
    expect(await store.products.countDocuments({ _id: 'RACE-1' })).toBe(1);
  });

  it('is for admins only (403) and needs a service token (401)', async () => {
    expectProblem(await call(app, 'POST', '/products', product('NOPE-1'), alice), 403);
    expectProblem(await call(app, 'POST', '/products', product('NOPE-1'), { anonymous: true }), 401);
    expect(await store.products.countDocuments({ _id: 'NOPE-1' })).toBe(0);
  });

  it('rejects bad input with 400 field errors and stores nothing', async () => {
    const before = await store.products.countDocuments();
    const bad: unknown[] = [
      product('lower-case'),
      product('-LEADING-DASH'),
      product('A'),
      product(`A${'B'.repeat(64)}`),
      { ...product('BAD-1'), sku: { $ne: '' } },
      product('BAD-1', { name: '' }),
      product('BAD-1', { name: '   ' }),
      product('BAD-1', { name: 'n'.repeat(201) }),
      product('BAD-1', { description: 'd'.repeat(2001) }),
      product('BAD-1', { priceCents: -1 }),
      product('BAD-1', { priceCents: 0 }), // free: no charge could ever take its order
      product('BAD-1', { priceCents: 10.5 }),
      product('BAD-1', { priceCents: 100_000_001 }),
      product('BAD-1', { priceCents: '1000' }),
      product('BAD-1', { currency: 'eur' }),
      product('BAD-1', { currency: 'EURO' }),
      product('BAD-1', { stock: 5 }),
      { sku: 'BAD-1', name: 'No price' },
      [],
      'a string',
    ];
    for (const body of bad) {
      const res = await createProduct(body);
      expectProblem(res, 400);
      expect(bodyAs(res, ErrorsBody).errors.length).toBeGreaterThan(0);
    }
    expectProblem(await call(app, 'POST', '/products', undefined, { ...admin, rawBody: '{"sku":' }), 400);
    expect(await store.products.countDocuments()).toBe(before);
  });
});

describe('reading one product', () => {
  it('answers the product and 404 for an unknown sku', async () => {
    await createProduct(product('READ-1'));
    const res = await call(app, 'GET', '/products/READ-1', undefined, alice);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(product('READ-1'));
    expectProblem(await call(app, 'GET', '/products/NOT-THERE', undefined, alice), 404);
    expectProblem(await call(app, 'GET', '/products/not-a-sku', undefined, alice), 400);
    expectProblem(await call(app, 'GET', '/products/READ-1', undefined, { anonymous: true }), 401);
  });

  it('fills the cache on a miss and serves the next read from it', async () => {
    await createProduct(product('CACHE-1'));
    expect(await cache.redis.get(cacheKey('CACHE-1'))).toBeNull();
    await call(app, 'GET', '/products/CACHE-1', undefined, alice);
    expect(JSON.parse((await cache.redis.get(cacheKey('CACHE-1')))!)).toEqual(product('CACHE-1'));
    const ttl = await cache.redis.ttl(cacheKey('CACHE-1'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
    // A change behind the store's back stays invisible until the key goes: proof the read came from Redis.
    await store.products.updateOne({ _id: 'CACHE-1' }, { $set: { name: 'Changed in the database' } });
    expect(bodyAs(await call(app, 'GET', '/products/CACHE-1', undefined, alice), ProductBody).name).toBe('Product CACHE-1');
  });

  it('does not cache unknown skus', async () => {
    await call(app, 'GET', '/products/GHOST-1', undefined, alice);
    expect(await cache.redis.exists(cacheKey('GHOST-1'))).toBe(0);
  });

  it('invalidates the cache on every write', async () => {
    await createProduct(product('INV-1'));
    await call(app, 'GET', '/products/INV-1', undefined, alice);
    expect(await cache.redis.exists(cacheKey('INV-1'))).toBe(1);
    const put = await call(app, 'PUT', '/products/INV-1', { name: 'Renamed', description: '', priceCents: 2500, currency: 'EUR' }, admin);
    expect(put.status).toBe(200);
    expect(await cache.redis.exists(cacheKey('INV-1'))).toBe(0);
    expect((await call(app, 'GET', '/products/INV-1', undefined, alice)).body).toMatchObject({ name: 'Renamed', priceCents: 2500 });

    // A stale entry left by a concurrent reader before the create is removed by the create itself.
    await cache.redis.set(cacheKey('INV-2'), JSON.stringify(product('INV-2', { name: 'stale' })));
    await createProduct(product('INV-2'));
    expect(await cache.redis.exists(cacheKey('INV-2'))).toBe(0);
  });

  it('keeps answering from Mongo when Redis fails', async () => {
    await createProduct(product('DOWN-1'));
    const broken = connectRedis(stack().redisUrl, cache.prefix);
    broken.disconnect();
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    const offline = new CatalogStore(mongo.db, broken, logger);
    const offlineApp = createCatalogApp({ store: offline, appOptions: appOptions('catalog', mongo.db) });
    const res = await call(offlineApp, 'GET', '/products/DOWN-1', undefined, alice);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(product('DOWN-1'));
    expect(warnings.length).toBeGreaterThan(0);
    // Writes still reach the database; only the invalidation is lost (and logged).
    const put = await call(
      offlineApp,
      'PUT',
      '/products/DOWN-1',
      { name: 'Still writable', description: '', priceCents: 1, currency: 'EUR' },
      admin,
    );
    expect(put.status).toBe(200);
    expect((await store.products.findOne({ _id: 'DOWN-1' }))?.name).toBe('Still writable');
  });
});

describe('replacing products', () => {
  it('creates a missing product, then replaces it and keeps createdAt', async () => {
    const body = { name: 'Lamp', description: 'Bright', priceCents: 3000, currency: 'USD' };
    const first = await call(app, 'PUT', '/products/LAMP-1', body, admin);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ sku: 'LAMP-1', ...body });
    const created = (await store.products.findOne({ _id: 'LAMP-1' }))!;
    const second = await call(app, 'PUT', '/products/LAMP-1', { ...body, priceCents: 3500 }, admin);
    expect(bodyAs(second, ProductBody).priceCents).toBe(3500);
    const replaced = (await store.products.findOne({ _id: 'LAMP-1' }))!;
    expect(replaced.createdAt).toEqual(created.createdAt);
    expect(replaced.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());
    expect(await store.products.countDocuments({ _id: 'LAMP-1' })).toBe(1);
  });

  it('is for admins only and validates the body', async () => {
    const body = { name: 'Lamp', description: 'Bright', priceCents: 3000, currency: 'USD' };
    expectProblem(await call(app, 'PUT', '/products/LAMP-2', body, alice), 403);
    expectProblem(await call(app, 'PUT', '/products/LAMP-2', body, { anonymous: true }), 401);
    for (const bad of [
      { ...body, sku: 'LAMP-3' },
      { ...body, priceCents: { $gt: 0 } },
      { ...body, priceCents: 0 },
      { ...body, name: undefined },
      { ...body, currency: 'usd' },
    ]) {
      const res = await call(app, 'PUT', '/products/LAMP-2', bad, admin);
      expectProblem(res, 400);
      expect(bodyAs(res, ErrorsBody).errors.length).toBeGreaterThan(0);
    }
    expectProblem(await call(app, 'PUT', '/products/lamp-2', body, admin), 400);
    expect(await store.products.countDocuments({ _id: { $in: ['LAMP-2', 'LAMP-3', 'lamp-2'] } })).toBe(0);
  });
});

describe('search', () => {
  let db: TestDb;
  let searchApp: ReturnType<typeof createCatalogApp>;
  const list = (query: string) => call(searchApp, 'GET', `/products${query}`, undefined, alice);

  beforeAll(async () => {
    // A database of its own, so other tests' products do not change the pages.
    db = await testDb('catalog_search');
    const searchStore = new CatalogStore(db.db, cache.redis);
    await searchStore.ensureIndexes();
    searchApp = createCatalogApp({ store: searchStore, appOptions: appOptions('catalog', db.db) });
    for (const p of [
      product('TEA-GREEN', { name: 'Green tea', description: 'Loose leaf' }),
      product('TEA-BLACK', { name: 'Black tea', description: 'Strong' }),
      product('COFFEE-1', { name: 'Coffee beans', description: 'Dark roast, goes well with TEA cakes' }),
      product('MUG-2', { name: 'Mug (large)', description: 'Holds 500 ml' }),
      product('CUP-1', { name: 'Cup', description: 'Price: 1.50 (a.b) [x]' }),
    ]) {
      await call(searchApp, 'POST', '/products', p, admin);
    }
  });
  afterAll(async () => {
    await db.close();
  });

  it('lists every product in sku order with nextCursor null at the end', async () => {
    const res = await list('');
    expect(res.status).toBe(200);
    expect(skusOn(res)).toEqual(['COFFEE-1', 'CUP-1', 'MUG-2', 'TEA-BLACK', 'TEA-GREEN']);
    expect(bodyAs(res, ItemsBody).items[0]).toEqual({
      sku: 'COFFEE-1',
      name: 'Coffee beans',
      description: 'Dark roast, goes well with TEA cakes',
      priceCents: 1000,
      currency: 'EUR',
    });
    expect(bodyAs(res, ProductPage).nextCursor).toBeNull();
  });

  it('pages with an opaque cursor until nextCursor is null', async () => {
    const skus: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      const page = bodyAs(res, ProductPage);
      expect(page.items.length).toBeLessThanOrEqual(2);
      skus.push(...page.items.map((p) => p.sku));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(skus).toEqual(['COFFEE-1', 'CUP-1', 'MUG-2', 'TEA-BLACK', 'TEA-GREEN']);
  });

  it('answers nextCursor null when the last page is exactly full', async () => {
    const first = await list('?limit=3');
    const second = await list(`?limit=2&cursor=${bodyAs(first, ProductPage).nextCursor}`);
    expect(bodyAs(second, ItemsBody).items).toHaveLength(2);
    expect(bodyAs(second, ProductPage).nextCursor).toBeNull();
  });

  it('matches sku, name and description case-insensitively', async () => {
    const skus = async (q: string) => skusOn(await list(`?q=${encodeURIComponent(q)}`));
    expect(await skus('tea')).toEqual(['COFFEE-1', 'TEA-BLACK', 'TEA-GREEN']);
    expect(await skus('GREEN')).toEqual(['TEA-GREEN']);
    expect(await skus('mug-2')).toEqual(['MUG-2']);
    expect(await skus('500 ML')).toEqual(['MUG-2']);
    expect(await skus('nothing like it')).toEqual([]);
  });

  it('treats regex characters in the query literally', async () => {
    const skus = async (q: string) => skusOn(await list(`?q=${encodeURIComponent(q)}`));
    expect(await skus('(large)')).toEqual(['MUG-2']);
    expect(await skus('1.50 (a.b) [x]')).toEqual(['CUP-1']);
    expect(await skus('.*')).toEqual([]);
    expect(await skus('1x50')).toEqual([]);
  });

  it('pages through search results', async () => {
    const first = await list('?q=tea&limit=2');
    expect(skusOn(first)).toEqual(['COFFEE-1', 'TEA-BLACK']);
    const second = await list(`?q=tea&limit=2&cursor=${bodyAs(first, ProductPage).nextCursor}`);
    expect(skusOn(second)).toEqual(['TEA-GREEN']);
    expect(bodyAs(second, ProductPage).nextCursor).toBeNull();
  });

  it('rejects bad queries with 400', async () => {
    for (const query of [
      '?limit=0',
      '?limit=101',
      '?limit=abc',
      '?limit=1.5',
      '?cursor=garbage',
      `?q=${'q'.repeat(101)}`,
      `?cursor=${Buffer.from('{"sku":1}').toString('base64url')}`,
    ]) {
      const res = await list(query);
      expectProblem(res, 400);
      expect(bodyAs(res, ErrorsBody).errors.length).toBeGreaterThan(0);
    }
    expectProblem(await call(searchApp, 'GET', '/products', undefined, { anonymous: true }), 401);
  });

  it('lists its routes in /openapi.json', async () => {
    const res = await call(searchApp, 'GET', '/openapi.json', undefined, { anonymous: true });
    expect(res.status).toBe(200);
    const { paths } = bodyAs(res, OperationsBody);
    expect(Object.keys(paths)).toEqual(arrayContaining(['/products', '/products/{sku}']));
    expect(Object.keys(paths['/products'] ?? {})).toEqual(arrayContaining(['get', 'post']));
    expect(Object.keys(paths['/products/{sku}'] ?? {})).toEqual(arrayContaining(['get', 'put']));
  });
});

describe('demo seed', () => {
  it('inserts the demo products without their stock and never overwrites existing ones', async () => {
    const db = await testDb('catalog_seed');
    try {
      const seeded = new CatalogStore(db.db, cache.redis);
      const [first] = DEMO_PRODUCTS;
      await seeded.products.insertOne({
        _id: first!.sku,
        name: 'Edited by an admin',
        description: '',
        priceCents: 1,
        currency: 'EUR',
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      await seeded.seed(DEMO_PRODUCTS);
      await seeded.seed(DEMO_PRODUCTS);
      expect(await seeded.products.countDocuments()).toBe(DEMO_PRODUCTS.length);
      expect((await seeded.products.findOne({ _id: first!.sku }))?.name).toBe('Edited by an admin');
      const mug = await seeded.products.findOne({ _id: 'MUG-SAGA' });
      expect(mug).toMatchObject({ name: 'Saga mug', priceCents: 1250, currency: 'EUR' });
      expect(mug).not.toHaveProperty('stock');
    } finally {
      await db.close();
    }
  });
});

describe('priceOrder activity', () => {
  beforeAll(async () => {
    await createProduct(product('PEN-1', { name: 'Pen', priceCents: 150 }));
    await createProduct(product('BOOK-1', { name: 'Book', priceCents: 2000 }));
    await createProduct(product('DOLLAR-1', { name: 'Dollar thing', priceCents: 500, currency: 'USD' }));
    await createProduct(product('YACHT-1', { name: 'Yacht', priceCents: MAX_AMOUNT_CENTS }));
    // Stored before prices had to be at least a cent: the catalog refuses it today, the database may still hold it.
    await store.products.insertOne({
      _id: 'FREEBIE-1',
      name: 'Freebie',
      description: '',
      priceCents: 0,
      currency: 'EUR',
      createdAt: new Date(),
      updatedAt: new Date(),
    });
  });

  it('prices the lines at current prices and stores the snapshot', async () => {
    const snapshot = await activities().priceOrder({
      orderId: 'order-1',
      items: [
        { sku: 'PEN-1', quantity: 3 },
        { sku: 'BOOK-1', quantity: 1 },
      ],
    });
    expect(snapshot).toEqual({
      orderId: 'order-1',
      lines: [
        { sku: 'PEN-1', quantity: 3, name: 'Pen', unitPriceCents: 150 },
        { sku: 'BOOK-1', quantity: 1, name: 'Book', unitPriceCents: 2000 },
      ],
      totalCents: 2450,
      currency: 'EUR',
    });
    expect(await store.snapshots.countDocuments({ _id: 'order-1' })).toBe(1);
  });

  it('answers the first snapshot on a repeat, even after a price change', async () => {
    const input = { orderId: 'order-2', items: [{ sku: 'PEN-1', quantity: 2 }] };
    const first = await activities().priceOrder(input);
    await call(app, 'PUT', '/products/PEN-1', { name: 'Pen', description: '', priceCents: 999, currency: 'EUR' }, admin);
    const again = await activities().priceOrder(input);
    expect(again).toEqual(first);
    expect(again.totalCents).toBe(300);
    expect(await store.snapshots.countDocuments({ _id: 'order-2' })).toBe(1);
    // A new order sees the new price.
    expect((await activities().priceOrder({ orderId: 'order-3', items: [{ sku: 'PEN-1', quantity: 2 }] })).totalCents).toBe(1998);
  });

  it('stores one snapshot when the same order is priced 50 times at once (a unique _id, no lock)', async () => {
    const input = { orderId: 'order-4', items: [{ sku: 'BOOK-1', quantity: 2 }] };
    const results = await Promise.all(Array.from({ length: 50 }, () => activities().priceOrder(input)));
    for (const r of results) expect(r).toEqual(results[0]);
    expect(await store.snapshots.countDocuments({ _id: 'order-4' })).toBe(1);
  });

  it('fails UnknownProduct (non-retryable) for an unknown sku and stores nothing', async () => {
    await expectBusinessFailure(
      activities().priceOrder({
        orderId: 'order-5',
        items: [
          { sku: 'PEN-1', quantity: 1 },
          { sku: 'NO-SUCH-SKU', quantity: 1 },
        ],
      }),
      'UnknownProduct',
    );
    expect(await store.snapshots.countDocuments({ _id: 'order-5' })).toBe(0);
  });

  it('fails MixedCurrencies (non-retryable, the saga cancels with it) for an order priced in two currencies, and stores nothing', async () => {
    await expectBusinessFailure(
      activities().priceOrder({
        orderId: 'order-6',
        items: [
          { sku: 'PEN-1', quantity: 1 },
          { sku: 'DOLLAR-1', quantity: 1 },
        ],
      }),
      'MixedCurrencies',
    );
    expect(await store.snapshots.countDocuments({ _id: 'order-6' })).toBe(0);
  });

  it('fails AmountOutOfRange for a total above the money limit or of 0, and stores nothing', async () => {
    const atLimit = await activities().priceOrder({ orderId: 'order-8', items: [{ sku: 'YACHT-1', quantity: 1 }] });
    expect(atLimit.totalCents).toBe(MAX_AMOUNT_CENTS);
    for (const [orderId, items] of [
      ['order-9', [{ sku: 'YACHT-1', quantity: 2 }]],
      [
        'order-10',
        [
          { sku: 'YACHT-1', quantity: 1 },
          { sku: 'PEN-1', quantity: 1 },
        ],
      ],
      ['order-11', [{ sku: 'FREEBIE-1', quantity: 3 }]],
    ] as const) {
      await expectBusinessFailure(activities().priceOrder({ orderId, items: [...items] }), 'AmountOutOfRange');
      expect(await store.snapshots.countDocuments({ _id: orderId })).toBe(0);
    }
  });

  it('fails InvalidInput for malformed input', async () => {
    for (const input of [
      { orderId: 'order-7', items: [] },
      { orderId: '', items: [{ sku: 'PEN-1', quantity: 1 }] },
      { orderId: 'order-7', items: [{ sku: 'PEN-1', quantity: 0 }] },
      { orderId: 'order-7', items: [{ sku: { $ne: '' }, quantity: 1 }] },
    ]) {
      await expectBusinessFailure(withAnyInput(activities().priceOrder)(input), 'InvalidInput');
    }
    expect(await store.snapshots.countDocuments({ _id: 'order-7' })).toBe(0);
  });
});
