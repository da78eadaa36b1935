// The orders log under 50 concurrent appends, on the real Mongo-protocol server:
// one atomic update per event keeps one event per type, versions dense and in
// log order, duplicates answered with the stored version, and the read model
// equal to the log folded again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrdersStore } from '../../services/orders/store.js';
import { ORDER_EVENT_TYPES } from '../../shared/domain/vocabulary.js';
import type { OrderEvent } from '../../shared/domain/order.js';
import { testDb, type TestDb } from '../support/stack.js';

let mongo: TestDb;
let store: OrdersStore;

beforeAll(async () => {
  mongo = await testDb('orders_conc');
  store = new OrdersStore(mongo.db);
  await store.ensureIndexes();
});
afterAll(async () => {
  await mongo.close();
});

const address = { name: 'Ann Buyer', line1: '1 Main Street', city: 'Utrecht', postalCode: '3511AA', country: 'NL' };
const placed = (customerId: string): OrderEvent => ({
  type: 'OrderPlaced',
  data: { customerId, items: [{ sku: 'MUG-SAGA', quantity: 1 }], shippingAddress: address },
});
const priced: OrderEvent = {
  type: 'OrderPriced',
  data: { lines: [{ sku: 'MUG-SAGA', quantity: 1, name: 'Saga mug', unitPriceCents: 1250 }], totalCents: 1250, currency: 'EUR' },
};
const sample: Record<string, OrderEvent> = {
  OrderPriced: priced,
  PaymentCaptured: { type: 'PaymentCaptured', data: { chargeId: 'ch_1', amountCents: 1250 } },
  ApprovalRequested: { type: 'ApprovalRequested', data: { thresholdCents: 1000 } },
  OrderApproved: { type: 'OrderApproved', data: { approvedBy: 'admin-1' } },
  OrderShipped: { type: 'OrderShipped', data: { shipmentId: 'shp_1', trackingNumber: 'SGS1' } },
  PaymentRefunded: { type: 'PaymentRefunded', data: { refundId: 'rf_1', amountCents: 1250 } },
  OrderCancelled: { type: 'OrderCancelled', data: { reason: 'CUSTOMER_CANCELLED' } },
  OrderFailed: { type: 'OrderFailed', data: { reason: 'test' } },
};
const eventOf = (type: (typeof ORDER_EVENT_TYPES)[number]): OrderEvent => sample[type] ?? ({ type, data: {} } as OrderEvent);

describe('order event appends, 50 at once', () => {
  it('OrderPlaced ×50: one document, version 1 for every call, the first data stands', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.append('cp-1', placed(`cust-${i}`))));
    expect(results).toEqual(Array(50).fill({ version: 1 }));
    expect(await store.orders.countDocuments({ _id: 'cp-1' })).toBe(1);
    expect(await store.history('cp-1')).toHaveLength(1);
    expect(await store.get('cp-1')).toEqual(await store.rebuild('cp-1'));
  });

  it('the same event ×50: stored once, every call answers its version', async () => {
    await store.append('ce-1', placed('u1'));
    const results = await Promise.all(Array.from({ length: 50 }, () => store.append('ce-1', priced)));
    expect(results).toEqual(Array(50).fill({ version: 2 }));
    expect((await store.history('ce-1')).map((e) => e.type)).toEqual(['OrderPlaced', 'OrderPriced']);
    expect(await store.get('ce-1')).toMatchObject({ version: 2, totalCents: 1250 });
    expect(await store.get('ce-1')).toEqual(await store.rebuild('ce-1'));
  });

  it('13 different events, each sent 4 times, all at once: one of each, versions 2..14, duplicates agree', async () => {
    await store.append('cd-1', placed('u1'));
    const types = ORDER_EVENT_TYPES.filter((t) => t !== 'OrderPlaced');
    const calls = [...types, ...types, ...types, ...types];
    const results = await Promise.all(calls.map((type) => store.append('cd-1', eventOf(type))));
    const versionOf = new Map<string, number>();
    calls.forEach((type, i) => {
      const v = results[i]!.version;
      if (versionOf.has(type)) expect(v).toBe(versionOf.get(type));
      versionOf.set(type, v);
    });
    expect([...versionOf.values()].sort((a, b) => a - b)).toEqual(types.map((_, i) => i + 2));
    const history = await store.history('cd-1');
    expect(history.map((e) => e.version)).toEqual(ORDER_EVENT_TYPES.map((_, i) => i + 1));
    // each call's answer is where its event sits in the log
    for (const e of history.slice(1)) expect(versionOf.get(e.type)).toBe(e.version);
    expect(await store.get('cd-1')).toEqual(await store.rebuild('cd-1'));
  });

  it('50 orders, each placed and then given 3 events (each sent twice) concurrently: every read model equals its rebuild', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `cm-${i}`);
    await Promise.all(ids.map((id) => store.append(id, placed(`cust-${id}`))));
    const events: OrderEvent[] = [priced, { type: 'StockReserved', data: {} }, { type: 'OrderConfirmed', data: {} }];
    await Promise.all(ids.flatMap((id) => [...events, ...events].map((e) => store.append(id, e))));
    for (const id of ids) {
      const view = await store.get(id);
      expect(view).toMatchObject({ orderId: id, customerId: `cust-${id}`, status: 'CONFIRMED', version: 4 });
      expect(view).toEqual(await store.rebuild(id));
    }
  });

  it('an event for an order never placed ×50: every call fails InvalidState, nothing is created', async () => {
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => store.append('cn-1', priced)));
    expect(results.every((r) => r.status === 'rejected' && (r.reason as { type?: string }).type === 'InvalidState')).toBe(true);
    expect(await store.get('cn-1')).toBeUndefined();
  });
});
