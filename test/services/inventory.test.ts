// Inventory on the real Mongo-protocol server: routes, all-or-nothing
// reservations, idempotent activities, and no overselling under concurrency.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInventoryActivities } from '../../services/inventory/activities.js';
import { createInventoryApp } from '../../services/inventory/app.js';
import { InventoryStore, stockBreaches } from '../../services/inventory/store.js';
import { ErrorsBody, PathsBody, bodyAs } from '../support/bodies.js';
import { call } from '../support/http.js';
import { admin, appOptions, customer, expectBusinessFailure, expectProblem } from '../support/service.js';
import { testDb, type TestDb } from '../support/stack.js';

let mongo: TestDb;
let store: InventoryStore;
let app: ReturnType<typeof createInventoryApp>;
const activities = () => createInventoryActivities(store);

beforeAll(async () => {
  mongo = await testDb('inventory');
  store = new InventoryStore(mongo.db);
  await store.ensureIndexes();
  app = createInventoryApp({ store, appOptions: appOptions('inventory', mongo.db) });
});
afterAll(async () => {
  await mongo.close();
});

describe('inventory routes', () => {
  it('sets and reads stock; only admins may set it', async () => {
    expect((await call(app, 'PUT', '/stock/WIDGET-1', { available: 7 }, admin)).body).toEqual({
      sku: 'WIDGET-1',
      available: 7,
      reserved: 0,
    });
    expect((await call(app, 'GET', '/stock/WIDGET-1', undefined, customer('u1'))).body).toEqual({
      sku: 'WIDGET-1',
      available: 7,
      reserved: 0,
    });
    expectProblem(await call(app, 'PUT', '/stock/WIDGET-1', { available: 1 }, customer('u1')), 403);
    expect((await store.level('WIDGET-1'))?.available).toBe(7);
  });

  it('rejects bad input with 400 and changes nothing', async () => {
    for (const bad of [
      { available: -1 },
      { available: 1.5 },
      { available: '3' },
      { available: { $gt: 0 } },
      { available: 1, extra: true },
    ]) {
      const res = await call(app, 'PUT', '/stock/WIDGET-1', bad, admin);
      expectProblem(res, 400);
      expect(bodyAs(res, ErrorsBody).errors.length).toBeGreaterThan(0);
    }
    expectProblem(await call(app, 'PUT', '/stock/bad sku', { available: 1 }, admin), 400);
    expectProblem(await call(app, 'PUT', '/stock/WIDGET-1', undefined, { ...admin, rawBody: '{not json' }), 400);
    expect((await store.level('WIDGET-1'))?.available).toBe(7);
  });

  it('needs a service token, answers 404 for unknown skus, and is ready', async () => {
    expectProblem(await call(app, 'GET', '/stock/WIDGET-1', undefined, { anonymous: true }), 401);
    expectProblem(await call(app, 'GET', '/stock/NOPE-1', undefined, admin), 404);
    expect((await call(app, 'GET', '/health/ready', undefined, { anonymous: true })).status).toBe(200);
    expect(bodyAs(await call(app, 'GET', '/openapi.json', undefined, { anonymous: true }), PathsBody).paths['/stock/{sku}']).toBeTruthy();
  });
});

describe('inventory activities', () => {
  it('reserves all lines or none', async () => {
    await store.setAvailable('A-1', 5);
    await store.setAvailable('B-1', 1);
    await expectBusinessFailure(
      activities().reserveStock({
        orderId: 'o-none',
        lines: [
          { sku: 'A-1', quantity: 2 },
          { sku: 'B-1', quantity: 2 },
        ],
      }),
      'OutOfStock',
    );
    expect(await store.level('A-1')).toMatchObject({ available: 5, reserved: 0 });
    // a repeat of the rejected reservation gives the same answer
    await expectBusinessFailure(activities().reserveStock({ orderId: 'o-none', lines: [{ sku: 'A-1', quantity: 2 }] }), 'OutOfStock');
    await expectBusinessFailure(
      activities().reserveStock({ orderId: 'o-unknown', lines: [{ sku: 'NOPE-2', quantity: 1 }] }),
      'UnknownProduct',
    );
    await expectBusinessFailure(activities().reserveStock({ orderId: 'o-bad', lines: [{ sku: 'A-1', quantity: 0 }] }), 'InvalidInput');
  });

  it('reserve, commit and release are idempotent', async () => {
    await store.setAvailable('C-1', 10);
    const lines = [{ sku: 'C-1', quantity: 3 }];
    expect(await activities().reserveStock({ orderId: 'o1', lines })).toEqual({ orderId: 'o1', status: 'RESERVED' });
    expect(await activities().reserveStock({ orderId: 'o1', lines })).toEqual({ orderId: 'o1', status: 'RESERVED' });
    expect(await store.level('C-1')).toMatchObject({ available: 7, reserved: 3 });
    await activities().commitStock({ orderId: 'o1' });
    await activities().commitStock({ orderId: 'o1' });
    expect(await store.level('C-1')).toMatchObject({ available: 7, reserved: 0 });

    await activities().reserveStock({ orderId: 'o2', lines });
    expect(await activities().releaseStock({ orderId: 'o2' })).toEqual({ released: true });
    expect(await activities().releaseStock({ orderId: 'o2' })).toEqual({ released: true });
    expect(await store.level('C-1')).toMatchObject({ available: 7, reserved: 0 });
    await expectBusinessFailure(activities().commitStock({ orderId: 'o2' }), 'InvalidState');
  });

  it('restocks a committed order once when it is released (a cancel after confirmation)', async () => {
    await store.setAvailable('D-1', 4);
    await activities().reserveStock({ orderId: 'o3', lines: [{ sku: 'D-1', quantity: 2 }] });
    await activities().commitStock({ orderId: 'o3' });
    expect(await store.level('D-1')).toMatchObject({ available: 2, reserved: 0 });
    await activities().releaseStock({ orderId: 'o3' });
    await activities().releaseStock({ orderId: 'o3' });
    expect(await store.level('D-1')).toMatchObject({ available: 4, reserved: 0 });
  });

  it('a release before the reservation leaves a tombstone, so a late reserve holds nothing', async () => {
    await store.setAvailable('E-1', 4);
    expect(await activities().releaseStock({ orderId: 'o4' })).toEqual({ released: false });
    expect(await activities().reserveStock({ orderId: 'o4', lines: [{ sku: 'E-1', quantity: 1 }] })).toEqual({
      orderId: 'o4',
      status: 'RELEASED',
    });
    expect(await store.level('E-1')).toMatchObject({ available: 4, reserved: 0 });
  });

  it('keeps the running totals of every unit: received by counts, committed with orders, restocked on a late cancel', async () => {
    const doc = () => store.stock.findOne({ _id: 'TOT-1' });
    await store.seed('TOT-1', 10);
    await store.seed('TOT-1', 99); // a repeated seed changes nothing
    expect(await doc()).toMatchObject({ available: 10, reserved: 0, received: 10, committed: 0, restocked: 0 });
    await activities().reserveStock({ orderId: 'tot-a', lines: [{ sku: 'TOT-1', quantity: 3 }] });
    await store.setAvailable('TOT-1', 4); // a count while 3 are held: 3 units went missing from the shelf
    expect(await doc()).toMatchObject({ available: 4, reserved: 3, received: 7 });
    await activities().commitStock({ orderId: 'tot-a' });
    expect(await doc()).toMatchObject({ available: 4, reserved: 0, received: 7, committed: 3, restocked: 0 });
    await activities().releaseStock({ orderId: 'tot-a' });
    expect(await doc()).toMatchObject({ available: 7, reserved: 0, received: 7, committed: 3, restocked: 3 });
    expect(stockBreaches((await doc())!)).toEqual([]);
  });

  it("the audit's check names what is wrong with a stock document", () => {
    const base = {
      _id: 'X-1',
      available: 5,
      reserved: 2,
      holds: { o: 2 },
      received: 10,
      committed: 3,
      restocked: 0,
      updatedAt: new Date(),
    };
    expect(stockBreaches(base)).toEqual([]);
    expect(stockBreaches({ ...base, available: 6 })).toEqual(['X-1: received 10 + restocked 0 != available 6 + reserved 2 + committed 3']);
    expect(stockBreaches({ ...base, holds: {} })).toEqual(['X-1: reserved 2 but the open holds add up to 0']);
    expect(stockBreaches({ ...base, available: -1, received: 4 })).toEqual(['X-1: available is -1']);
  });

  it('never oversells: many concurrent reservations against little stock', async () => {
    await store.setAvailable('HOT-1', 10);
    await store.setAvailable('HOT-2', 6);
    const attempts = Array.from({ length: 40 }, (_, i) => ({
      orderId: `race-${i}`,
      lines: [{ sku: 'HOT-1', quantity: 1 + (i % 3) }, ...(i % 2 ? [{ sku: 'HOT-2', quantity: 1 }] : [])],
    }));
    // each reservation is also sent twice, as a duplicated activity would be
    const outcomes = await Promise.allSettled([...attempts, ...attempts].map((a) => activities().reserveStock(a)));
    const reserved = new Set(outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [attempts[i % attempts.length]!.orderId] : [])));
    const hot1 = (await store.level('HOT-1'))!;
    const hot2 = (await store.level('HOT-2'))!;
    expect(hot1.available).toBeGreaterThanOrEqual(0);
    expect(hot2.available).toBeGreaterThanOrEqual(0);
    const sum = (sku: string) =>
      attempts.filter((a) => reserved.has(a.orderId)).reduce((n, a) => n + (a.lines.find((l) => l.sku === sku)?.quantity ?? 0), 0);
    expect(hot1.reserved).toBe(sum('HOT-1'));
    expect(hot2.reserved).toBe(sum('HOT-2'));
    expect(hot1.available + hot1.reserved).toBe(10);
    expect(hot2.available + hot2.reserved).toBe(6);
    expect(reserved.size).toBeGreaterThan(0);
  });
});
