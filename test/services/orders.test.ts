// Orders on the real Mongo-protocol server: an append-only event log with one
// event of each type per order, kept in the order's document together with a
// read model that equals the log folded again,
// and the query routes (newest first, cursor paging) only for the order's customer.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createOrdersActivities } from '../../services/orders/activities.js';
import { ORDER_EVENT_TYPES } from '../../shared/domain/vocabulary.js';
import { ORDER_EVENT_DATA, type OrderEvent } from '../../shared/domain/order.js';
import { ordersCatalogue } from '../../services/orders/temporal/catalogue.js';

const OrderEventInput = ordersCatalogue.activities.recordOrderEvent.input;
import { createOrdersApp } from '../../services/orders/app.js';
import { OrdersStore } from '../../services/orders/store.js';
import { ErrorsBody, PathsBody, bodyAs } from '../support/bodies.js';
import { call } from '../support/http.js';
import { admin, appOptions, customer, expectBusinessFailure, expectProblem, withAnyInput } from '../support/service.js';
import { testDb, type TestDb } from '../support/stack.js';

/** GET /orders/{orderId}/events: the order's history. */
const EventsBody = z.object({ items: z.array(z.object({ type: z.string(), version: z.number(), data: z.unknown() })) });
/** GET /orders: a page of a customer's orders. */
const PageBody = z.object({ items: z.array(z.object({ orderId: z.string(), customerId: z.string() })), nextCursor: z.string().nullable() });

let mongo: TestDb;
let store: OrdersStore;
let app: ReturnType<typeof createOrdersApp>;
const activities = () => createOrdersActivities(store);

const address = { name: 'Ann Buyer', line1: '1 Main Street', city: 'Utrecht', postalCode: '3511AA', country: 'NL' };
const items = [{ sku: 'MUG-SAGA', quantity: 2 }];
const record = (orderId: string, event: OrderEvent) => activities().recordOrderEvent({ orderId, event });
const place = (orderId: string, customerId = 'u1') =>
  record(orderId, { type: 'OrderPlaced', data: { customerId, items, shippingAddress: address } });

beforeAll(async () => {
  mongo = await testDb('orders');
  store = new OrdersStore(mongo.db);
  await store.ensureIndexes();
  app = createOrdersApp({ store, appOptions: appOptions('orders', mongo.db) });
});
afterAll(async () => {
  await mongo.close();
});

describe('recordOrderEvent activity', () => {
  it('appends events in version order and keeps a read model equal to the log folded again', async () => {
    expect(await place('o1')).toEqual({ version: 1 });
    expect(
      await record('o1', {
        type: 'OrderPriced',
        data: { lines: [{ sku: 'MUG-SAGA', quantity: 2, name: 'Saga mug', unitPriceCents: 1250 }], totalCents: 2500, currency: 'EUR' },
      }),
    ).toEqual({ version: 2 });
    expect(await record('o1', { type: 'StockReserved', data: {} })).toEqual({ version: 3 });
    expect(await record('o1', { type: 'PaymentCaptured', data: { chargeId: 'ch_1', amountCents: 2500 } })).toEqual({ version: 4 });
    expect(await record('o1', { type: 'OrderConfirmed', data: {} })).toEqual({ version: 5 });

    const view = await store.get('o1');
    expect(view).toMatchObject({
      orderId: 'o1',
      customerId: 'u1',
      status: 'CONFIRMED',
      version: 5,
      totalCents: 2500,
      currency: 'EUR',
      items: [{ sku: 'MUG-SAGA', quantity: 2, unitPriceCents: 1250, name: 'Saga mug' }],
    });
    expect(await store.rebuild('o1')).toEqual(view);
    expect((await store.history('o1')).map((e) => e.type)).toEqual([
      'OrderPlaced',
      'OrderPriced',
      'StockReserved',
      'PaymentCaptured',
      'OrderConfirmed',
    ]);
  });

  it('records a duplicated event type once, answering the first version', async () => {
    await place('o2');
    const first = await record('o2', { type: 'OrderCancelled', data: { reason: 'OUT_OF_STOCK' } });
    // a retried activity, even with different data, changes nothing
    expect(await record('o2', { type: 'OrderCancelled', data: { reason: 'OUT_OF_STOCK' } })).toEqual(first);
    expect(await record('o2', { type: 'OrderCancelled', data: { reason: 'PAYMENT_DECLINED' } })).toEqual(first);
    expect(await place('o2', 'someone-else')).toEqual({ version: 1 });
    expect(await store.history('o2')).toHaveLength(2);
    expect(await store.get('o2')).toMatchObject({
      customerId: 'u1',
      status: 'CANCELLED',
      cancellation: { reason: 'OUT_OF_STOCK' },
      version: 2,
    });
    expect(await store.rebuild('o2')).toEqual(await store.get('o2'));
  });

  it('records concurrent duplicates and concurrent different events each once', async () => {
    await place('o3');
    const types: OrderEvent[] = [
      { type: 'StockReserved', data: {} },
      { type: 'PaymentCaptured', data: { chargeId: 'ch_3', amountCents: 100 } },
      { type: 'OrderConfirmed', data: {} },
      { type: 'StockCommitted', data: {} },
    ];
    const results = await Promise.all([...types, ...types].map((event) => record('o3', event)));
    // the duplicate of each event answers the same version as the original
    types.forEach((_, i) => expect(results[i + types.length]).toEqual(results[i]));
    expect(new Set(results.map((r) => r.version))).toEqual(new Set([2, 3, 4, 5]));
    const history = await store.history('o3');
    expect(history.map((e) => e.version)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(history.map((e) => e.type)).size).toBe(5);
    expect(await store.rebuild('o3')).toEqual(await store.get('o3'));
    expect((await store.get('o3'))?.version).toBe(5);
  });

  it('keeps the log in the order document: at most one event per type, so at most 14, and nothing else stored', async () => {
    await place('o-all');
    const data: Record<string, unknown> = {
      OrderPriced: { lines: [], totalCents: 0, currency: 'EUR' },
      OrderShipped: { shipmentId: 's', trackingNumber: 't' },
      OrderCancelled: { reason: 'CUSTOMER_CANCELLED' },
      OrderFailed: { reason: 'r' },
      OrderApproved: { approvedBy: 'a' },
      PaymentCaptured: { chargeId: 'ch', amountCents: 100 },
      ApprovalRequested: { thresholdCents: 100 },
      PaymentRefunded: { refundId: 'rf', amountCents: 100 },
    };
    for (const type of ORDER_EVENT_TYPES.filter((t) => t !== 'OrderPlaced')) {
      await withAnyInput(activities().recordOrderEvent)({ orderId: 'o-all', event: { type, data: data[type] ?? {} } });
      await withAnyInput(activities().recordOrderEvent)({ orderId: 'o-all', event: { type, data: data[type] ?? {} } });
    }
    const doc = await store.orders.findOne({ _id: 'o-all' });
    expect(doc?.events).toHaveLength(ORDER_EVENT_TYPES.length);
    expect(doc?.version).toBe(ORDER_EVENT_TYPES.length);
    expect((await store.history('o-all')).map((e) => [e.type, e.version])).toEqual(ORDER_EVENT_TYPES.map((t, i) => [t, i + 1]));
    expect(await store.get('o-all')).toEqual(await store.rebuild('o-all'));
    expect(await store.get('o-all')).not.toHaveProperty('events');
    expect((await mongo.db.listCollections().toArray()).map((c) => c.name)).toEqual(['orders']);
  });

  it('fails InvalidInput (non-retryable) for malformed input and stores nothing', async () => {
    const before = await store.orders.countDocuments();
    for (const input of [
      { orderId: '', event: { type: 'OrderPlaced', data: {} } },
      { orderId: 'o-bad', event: { type: '', data: {} } },
      { orderId: 'o-bad', event: { type: 'OrderPlaced' } },
      { orderId: 'o-bad', event: { type: 'OrderPlaced', data: 'nope' } },
      { orderId: 'x'.repeat(101), event: { type: 'OrderPlaced', data: {} } },
      { event: { type: 'OrderPlaced', data: {} } },
    ]) {
      await expectBusinessFailure(withAnyInput(activities().recordOrderEvent)(input), 'InvalidInput');
    }
    expect(await store.orders.countDocuments()).toBe(before);
    expect(await store.get('o-bad')).toBeUndefined();
  });

  it('fails InvalidInput (non-retryable) for an event type that is not an order event, and stores nothing', async () => {
    await place('o-bogus');
    const before = await store.orders.countDocuments();
    for (const type of ['Bogus', 'orderplaced', 'OrderPlaced ', 'PaymentCaptured2', 'toString', '__proto__']) {
      await expectBusinessFailure(
        withAnyInput(activities().recordOrderEvent)({ orderId: 'o-bogus', event: { type, data: {} } }),
        'InvalidInput',
      );
      // before OrderPlaced, too: refused as invalid, not retried as "no OrderPlaced yet"
      await expectBusinessFailure(
        withAnyInput(activities().recordOrderEvent)({ orderId: 'o-bogus-new', event: { type, data: {} } }),
        'InvalidInput',
      );
    }
    expect(await store.orders.countDocuments()).toBe(before);
    expect((await store.history('o-bogus')).map((e) => e.type)).toEqual(['OrderPlaced']);
    expect(await store.history('o-bogus-new')).toEqual([]);
    expect(await store.get('o-bogus')).toMatchObject({ status: 'PENDING', version: 1 });
    // the store refuses one as well, whoever calls it
    await expect(withAnyInput((event: OrderEvent) => store.append('o-bogus', event))({ type: 'Bogus', data: {} })).rejects.toMatchObject({
      type: 'InvalidInput',
    });
    expect(await store.history('o-bogus')).toHaveLength(1);
  });

  it('fails InvalidState (non-retryable, so the saga fails visibly instead of stalling) for a later event of an order never placed', async () => {
    await expectBusinessFailure(
      activities().recordOrderEvent({
        orderId: 'o-never-placed',
        event: { type: 'OrderPriced', data: { lines: [], totalCents: 1, currency: 'EUR' } },
      }),
      'InvalidState',
    );
    expect(await store.history('o-never-placed')).toEqual([]);
    // malformed data of a known type: InvalidInput once the order exists, nothing stored
    await place('o-malformed');
    await expectBusinessFailure(
      withAnyInput(activities().recordOrderEvent)({ orderId: 'o-malformed', event: { type: 'OrderPriced', data: { totalCents: 1 } } }),
      'InvalidInput',
    );
    expect(await store.history('o-malformed')).toHaveLength(1);
    expect(await store.get('o-never-placed')).toBeUndefined();
  });

  it('fills a gap from what the saga recorded before: a lost document or lost events are written again, in order, once', async () => {
    const placed: OrderEvent = { type: 'OrderPlaced', data: { customerId: 'u-gap', items, shippingAddress: address } };
    const priced: OrderEvent = {
      type: 'OrderPriced',
      data: { lines: [{ sku: 'MUG-SAGA', quantity: 2, name: 'Saga mug', unitPriceCents: 1250 }], totalCents: 2500, currency: 'EUR' },
    };
    const reserved: OrderEvent = { type: 'StockReserved', data: {} };
    const captured: OrderEvent = { type: 'PaymentCaptured', data: { chargeId: 'ch_gap', amountCents: 2500 } };
    const withEarlier = (orderId: string, event: OrderEvent, earlier: OrderEvent[]) =>
      activities().recordOrderEvent({ orderId, event, earlier });

    // The whole document lost (e.g. a database crash): re-created from the saga's records, then the event.
    expect(await withEarlier('o-gap', captured, [placed, priced, reserved])).toEqual({ version: 4 });
    expect((await store.history('o-gap')).map((e) => e.type)).toEqual(['OrderPlaced', 'OrderPriced', 'StockReserved', 'PaymentCaptured']);
    expect(await store.get('o-gap')).toEqual(await store.rebuild('o-gap'));
    expect(await store.get('o-gap')).toMatchObject({ customerId: 'u-gap', totalCents: 2500, status: 'PENDING', version: 4 });

    // The last events lost (the database kept an older state): written again before the new one.
    await store.orders.updateOne(
      { _id: 'o-gap' },
      { $pull: { events: { type: { $in: ['StockReserved', 'PaymentCaptured'] } } }, $set: { version: 2 } },
    );
    const confirmed: OrderEvent = { type: 'OrderConfirmed', data: {} };
    expect(await withEarlier('o-gap', confirmed, [placed, priced, reserved, captured])).toEqual({ version: 5 });
    expect((await store.history('o-gap')).map((e) => e.type)).toEqual([
      'OrderPlaced',
      'OrderPriced',
      'StockReserved',
      'PaymentCaptured',
      'OrderConfirmed',
    ]);
    // A retry of the same record finds it there: nothing twice.
    expect(await withEarlier('o-gap', confirmed, [placed, priced, reserved, captured])).toEqual({ version: 5 });
    expect(await store.get('o-gap')).toMatchObject({ status: 'CONFIRMED', version: 5 });

    // Concurrent retries of a record after a lost document create it once.
    await Promise.all(Array.from({ length: 10 }, () => withEarlier('o-gap-2', captured, [placed, priced, reserved])));
    expect((await store.history('o-gap-2')).map((e) => e.type)).toEqual(['OrderPlaced', 'OrderPriced', 'StockReserved', 'PaymentCaptured']);
    // Without OrderPlaced among them there is nothing to re-create the order from.
    await expectBusinessFailure(withEarlier('o-gap-3', captured, [priced, reserved]), 'InvalidState');
  });

  it('records several events in one write, in order; a retry, a partial write or a gap each end with every event once', async () => {
    const placed: OrderEvent = { type: 'OrderPlaced', data: { customerId: 'u-batch', items, shippingAddress: address } };
    const priced: OrderEvent = {
      type: 'OrderPriced',
      data: { lines: [{ sku: 'MUG-SAGA', quantity: 2, name: 'Saga mug', unitPriceCents: 1250 }], totalCents: 2500, currency: 'EUR' },
    };
    const forward: OrderEvent[] = [
      priced,
      { type: 'StockReserved', data: {} },
      { type: 'PaymentCaptured', data: { chargeId: 'ch_batch', amountCents: 2500 } },
      { type: 'OrderConfirmed', data: {} },
      { type: 'StockCommitted', data: {} },
    ];
    const story = ['OrderPlaced', 'OrderPriced', 'StockReserved', 'PaymentCaptured', 'OrderConfirmed', 'StockCommitted'];
    const batch = (orderId: string, events: OrderEvent[], earlier: OrderEvent[]) =>
      activities().recordOrderEvents({ orderId, events, earlier });

    await activities().recordOrderEvents({ orderId: 'o-batch', events: [placed] });
    const writes = vi.spyOn(store.orders, 'findOneAndUpdate');
    expect(await batch('o-batch', forward, [placed])).toEqual({ version: 6 });
    // The usual case: one guarded write for all five.
    expect(writes).toHaveBeenCalledTimes(1);
    writes.mockRestore();
    expect((await store.history('o-batch')).map((e) => [e.type, e.version])).toEqual(story.map((type, i) => [type, i + 1]));
    expect(await store.get('o-batch')).toMatchObject({ status: 'CONFIRMED', totalCents: 2500, version: 6 });
    expect(await store.get('o-batch')).toEqual(await store.rebuild('o-batch'));
    // A retry of the whole write, and concurrent ones: nothing twice, the same version.
    expect(await Promise.all(Array.from({ length: 5 }, () => batch('o-batch', forward, [placed])))).toEqual(Array(5).fill({ version: 6 }));
    expect(await store.history('o-batch')).toHaveLength(6);

    // Some of them already there (an earlier attempt, one by one): the rest follow, in order.
    await activities().recordOrderEvents({ orderId: 'o-batch-2', events: [placed] });
    await activities().recordOrderEvent({ orderId: 'o-batch-2', event: priced, earlier: [placed] });
    expect(await batch('o-batch-2', forward, [placed])).toEqual({ version: 6 });
    expect((await store.history('o-batch-2')).map((e) => e.type)).toEqual(story);

    // The document lost: re-created from the saga's earlier records, then the batch.
    expect(await batch('o-batch-3', forward, [placed])).toEqual({ version: 6 });
    expect((await store.history('o-batch-3')).map((e) => e.type)).toEqual(story);
    expect(await store.get('o-batch-3')).toEqual(await store.rebuild('o-batch-3'));
    // A bad event among them stores none of the batch.
    await expectBusinessFailure(
      withAnyInput(activities().recordOrderEvents)({ orderId: 'o-batch-4', events: [placed, { type: 'Bogus', data: {} }] }),
      'InvalidInput',
    );
    expect(await store.get('o-batch-4')).toBeUndefined();
  });

  it("drops an event of a branch the saga's history never kept: the log becomes the saga's list (a power-cut trial found one)", async () => {
    // A cancel whose workflow task was lost in a crash: its local activity had written OrderCancelled,
    // the history never kept it, the saga went on and confirmed; a later (resent) cancel unwinds it.
    const placed: OrderEvent = { type: 'OrderPlaced', data: { customerId: 'u-ph', items, shippingAddress: address } };
    const priced: OrderEvent = {
      type: 'OrderPriced',
      data: { lines: [{ sku: 'MUG-SAGA', quantity: 2, name: 'Saga mug', unitPriceCents: 1250 }], totalCents: 2500, currency: 'EUR' },
    };
    const confirmed: OrderEvent = { type: 'OrderConfirmed', data: {} };
    const released: OrderEvent = { type: 'StockReleased', data: {} };
    const cancelled: OrderEvent = { type: 'OrderCancelled', data: { reason: 'CUSTOMER_CANCELLED' } };
    const withEarlier = (event: OrderEvent, earlier: OrderEvent[]) => activities().recordOrderEvent({ orderId: 'o-ph', event, earlier });
    await record('o-ph', placed);
    await withEarlier(cancelled, [placed]); // the phantom
    // The saga's own records: each finds an event it never recorded, and the log becomes its list.
    expect(await withEarlier(priced, [placed])).toEqual({ version: 2 });
    expect((await store.history('o-ph')).map((e) => e.type)).toEqual(['OrderPlaced', 'OrderPriced']);
    expect(await store.get('o-ph')).not.toHaveProperty('cancellation');
    await withEarlier(confirmed, [placed, priced]);
    await withEarlier(cancelled, [placed, priced, confirmed]); // a phantom again, before the real unwind
    await withEarlier(released, [placed, priced, confirmed]);
    expect(await withEarlier(cancelled, [placed, priced, confirmed, released])).toEqual({ version: 5 });
    expect((await store.history('o-ph')).map((e) => e.type)).toEqual([
      'OrderPlaced',
      'OrderPriced',
      'OrderConfirmed',
      'StockReleased',
      'OrderCancelled',
    ]);
    expect(await store.get('o-ph')).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'CUSTOMER_CANCELLED' }, version: 5 });
    expect(await store.get('o-ph')).toEqual(await store.rebuild('o-ph'));
  });

  it("drops a phantom once when tens of retries of the saga's record race over it, and a late attempt of an earlier record cuts nothing", async () => {
    const placed: OrderEvent = { type: 'OrderPlaced', data: { customerId: 'u-ph2', items, shippingAddress: address } };
    const priced: OrderEvent = {
      type: 'OrderPriced',
      data: { lines: [{ sku: 'MUG-SAGA', quantity: 2, name: 'Saga mug', unitPriceCents: 1250 }], totalCents: 2500, currency: 'EUR' },
    };
    const reserved: OrderEvent = { type: 'StockReserved', data: {} };
    const cancelled: OrderEvent = { type: 'OrderCancelled', data: { reason: 'CUSTOMER_CANCELLED' } };
    const withEarlier = (event: OrderEvent, earlier: OrderEvent[]) => activities().recordOrderEvent({ orderId: 'o-ph2', event, earlier });
    await record('o-ph2', placed);
    await withEarlier(cancelled, [placed]); // the phantom
    // Every retry of the saga's next two records at once: each must answer the version its event holds.
    const answers = await Promise.all([
      ...Array.from({ length: 20 }, () => withEarlier(priced, [placed])),
      ...Array.from({ length: 20 }, () => withEarlier(reserved, [placed, priced])),
    ]);
    expect(new Set(answers.slice(0, 20).map((a) => a.version))).toEqual(new Set([2]));
    expect(new Set(answers.slice(20).map((a) => a.version))).toEqual(new Set([3]));
    expect((await store.history('o-ph2')).map((e) => e.type)).toEqual(['OrderPlaced', 'OrderPriced', 'StockReserved']);
    expect(await store.get('o-ph2')).not.toHaveProperty('cancellation');
    expect(await store.get('o-ph2')).toEqual(await store.rebuild('o-ph2'));
    // A late attempt of an earlier record (its retry already succeeded, the saga moved on) finds its
    // event and answers its version: the saga's later events are not phantoms to it.
    expect(await withEarlier(priced, [placed])).toEqual({ version: 2 });
    expect((await store.history('o-ph2')).map((e) => e.type)).toEqual(['OrderPlaced', 'OrderPriced', 'StockReserved']);
  });

  it('accepts exactly the listed event types', () => {
    // Every listed type has a data schema (the union is built from them), and nothing else is an event.
    expect(Object.keys(ORDER_EVENT_DATA).sort()).toEqual([...ORDER_EVENT_TYPES].sort());
    const parsed = OrderEventInput.safeParse({ orderId: 'o', event: { type: 'Bogus', data: {} } });
    expect(parsed.success).toBe(false);
    expect(OrderEventInput.safeParse({ orderId: 'o', event: { type: 'OrderConfirmed', data: {} } }).success).toBe(true);
  });
});

describe('order routes', () => {
  beforeAll(async () => {
    await place('r1', 'reader');
    await record('r1', {
      type: 'OrderPriced',
      data: { lines: [{ sku: 'MUG-SAGA', quantity: 2, name: 'Saga mug', unitPriceCents: 1250 }], totalCents: 2500, currency: 'EUR' },
    });
    await record('r1', { type: 'OrderShipped', data: { shipmentId: 'shp_1', trackingNumber: 'SGS0000000001' } });
  });

  it('shows the customer their order and its events; admins may too', async () => {
    const res = await call(app, 'GET', '/orders/r1', undefined, customer('reader'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      orderId: 'r1',
      customerId: 'reader',
      status: 'SHIPPED',
      totalCents: 2500,
      currency: 'EUR',
      shipment: { shipmentId: 'shp_1', trackingNumber: 'SGS0000000001' },
      version: 3,
    });
    const { createdAt } = bodyAs(res, z.object({ createdAt: z.string() }));
    expect(new Date(createdAt).toISOString()).toBe(createdAt);
    expect((await call(app, 'GET', '/orders/r1', undefined, admin)).body).toEqual(res.body);

    const events = await call(app, 'GET', '/orders/r1/events', undefined, customer('reader'));
    expect(events.status).toBe(200);
    const { items: history } = bodyAs(events, EventsBody);
    expect(history.map((e) => [e.type, e.version])).toEqual([
      ['OrderPlaced', 1],
      ['OrderPriced', 2],
      ['OrderShipped', 3],
    ]);
    expect(history[2]?.data).toEqual({ shipmentId: 'shp_1', trackingNumber: 'SGS0000000001' });
  });

  it("answers 404 for another user's order and for unknown ones", async () => {
    expectProblem(await call(app, 'GET', '/orders/r1', undefined, customer('other')), 404);
    expectProblem(await call(app, 'GET', '/orders/r1/events', undefined, customer('other')), 404);
    expectProblem(await call(app, 'GET', '/orders?customerId=reader', undefined, customer('other')), 404);
    expectProblem(await call(app, 'GET', '/orders/nope', undefined, admin), 404);
    expectProblem(await call(app, 'GET', '/orders/nope/events', undefined, admin), 404);
    expect(await store.history('r1')).toHaveLength(3);
  });

  it('needs a service token', async () => {
    expectProblem(await call(app, 'GET', '/orders/r1', undefined, { anonymous: true }), 401);
    expectProblem(await call(app, 'GET', '/orders/r1/events', undefined, { anonymous: true }), 401);
    expectProblem(await call(app, 'GET', '/orders?customerId=reader', undefined, { anonymous: true }), 401);
    expect((await call(app, 'GET', '/health/ready', undefined, { anonymous: true })).status).toBe(200);
  });

  it('rejects bad queries with 400 field errors', async () => {
    for (const query of [
      'limit=0',
      'limit=101',
      'limit=abc',
      'limit=1.5',
      'cursor=not-a-cursor',
      `cursor=${Buffer.from('{"x":1}').toString('base64url')}`,
      `customerId=${'x'.repeat(101)}`,
    ]) {
      const res = await call(app, 'GET', `/orders?customerId=reader&${query}`, undefined, customer('reader'));
      expectProblem(res, 400);
      expect(bodyAs(res, ErrorsBody).errors.length).toBeGreaterThan(0);
    }
    // only operators may list everybody's orders
    expectProblem(await call(app, 'GET', '/orders', undefined, customer('reader')), 400);
    expect((await call(app, 'GET', '/orders', undefined, admin)).status).toBe(200);
  });

  it("lists a customer's orders newest first, page by page", async () => {
    for (const id of ['pg-1', 'pg-2', 'pg-3']) await place(id, 'pager');
    const first = await call(app, 'GET', '/orders?customerId=pager&limit=2', undefined, customer('pager'));
    expect(first.status).toBe(200);
    const firstPage = bodyAs(first, PageBody);
    expect(firstPage.items.map((o) => o.orderId)).toEqual(['pg-3', 'pg-2']);
    expect(firstPage.nextCursor).toEqual(expect.any(String));
    const second = await call(app, 'GET', `/orders?customerId=pager&limit=2&cursor=${firstPage.nextCursor}`, undefined, customer('pager'));
    const secondPage = bodyAs(second, PageBody);
    expect(secondPage.items.map((o) => o.orderId)).toEqual(['pg-1']);
    expect(secondPage.nextCursor).toBeNull();
    // exactly the page size: no further page is promised
    expect(
      bodyAs(await call(app, 'GET', '/orders?customerId=pager&limit=3', undefined, customer('pager')), PageBody).nextCursor,
    ).toBeNull();
    // every listed order belongs to the customer
    const all = bodyAs(await call(app, 'GET', '/orders?customerId=pager', undefined, admin), PageBody);
    expect(all.items).toHaveLength(3);
    expect(all.items.every((o) => o.customerId === 'pager')).toBe(true);
  });

  it('lists its routes in the OpenAPI document', async () => {
    const { paths } = bodyAs(await call(app, 'GET', '/openapi.json', undefined, { anonymous: true }), PathsBody);
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/orders', '/orders/{orderId}', '/orders/{orderId}/events']));
  });
});
