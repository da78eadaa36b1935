// The saga branches that need a timer or a fault, run with the REAL activities of
// every service on real stores (the Mongo-protocol server and Redis of the test
// stack), on the time-skipping server: approval given, approval timed out (24 h
// skipped), a flaky provider, a late carrier with the review request a week after
// delivery, a compensation that can never succeed, and onboarding; the saga's own
// records lost by the database mid-saga, a cancel after confirmation (CANCELLING,
// the shipment voided) and a cancel after the carrier's pickup. Success, out of
// stock, declined and customer cancel run on the real processes in test/e2e.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Db } from 'mongodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCatalogActivities } from '../../services/catalog/activities.js';
import { createInventoryActivities } from '../../services/inventory/activities.js';
import { createNotificationsActivities } from '../../services/notifications/activities.js';
import { createOrdersActivities } from '../../services/orders/activities.js';
import { createPaymentsActivities } from '../../services/payments/activities.js';
import { createShippingActivities } from '../../services/shipping/activities.js';
import { createUsersActivities } from '../../services/users/activities.js';
import { CatalogStore } from '../../services/catalog/store.js';
import { InventoryStore } from '../../services/inventory/store.js';
import { NotificationsStore } from '../../services/notifications/store.js';
import { OutboxTransport } from '../../services/notifications/transport.js';
import { OrdersStore } from '../../services/orders/store.js';
import { SimulatedProvider } from '../../services/payments/simulator.js';
import { PaymentsStore } from '../../services/payments/store.js';
import { ShippingStore } from '../../services/shipping/store.js';
import { UsersStore } from '../../services/users/store.js';
import { connectMongo } from '../../shared/mongo.js';
import { approveOrderUpdate, cancelOrderUpdate, carrierPickupUpdate } from '../../services/orders/temporal/contract.js';
import type { onboarding } from '../../workflows/onboarding.js';
import { MAX_AMOUNT_CENTS } from '../../shared/domain/money.js';
import type { NotificationTemplate } from '../../shared/domain/vocabulary.js';
import { createTimeSkippingEnv, stack, testDb, testRedis, type TestDb } from '../support/stack.js';
import type { Fakes } from './fakes.js';
import {
  activityRetries,
  deliver,
  expectRefused,
  sagaInput,
  startSaga,
  terminateStarted,
  until,
  waitForState,
  withWorkers,
} from './harness.js';
import { usersTaskQueue } from '../../services/users/temporal/contract.js';
import { stringContaining } from '../support/matchers.js';

const products = [
  {
    sku: 'ESPRESSO-PRO',
    name: 'Espresso machine',
    description: 'above the approval threshold',
    priceCents: 149_900,
    currency: 'EUR' as const,
  },
  { sku: 'MUG-SAGA', name: 'Mug', description: 'a mug', priceCents: 1_250, currency: 'EUR' as const },
  { sku: 'MUG-USD', name: 'Mug', description: 'priced in dollars', priceCents: 1_400, currency: 'USD' as const },
  { sku: 'YACHT', name: 'Yacht', description: 'at the money limit', priceCents: MAX_AMOUNT_CENTS, currency: 'EUR' as const },
  // The catalog refuses a price of 0 today; seeding writes past that, as an older database would hold it.
  { sku: 'FREEBIE', name: 'Freebie', description: 'stored free', priceCents: 0, currency: 'EUR' as const },
];

let env: TestWorkflowEnvironment;
const dbs: Record<string, TestDb> = {};
let redis: Awaited<ReturnType<typeof testRedis>>;
let stores: {
  inventory: InventoryStore;
  payments: PaymentsStore;
  orders: OrdersStore;
  notifications: NotificationsStore;
  shipping: ShippingStore;
};
let activities: Fakes;
let customerId: string;

beforeAll(async () => {
  for (const name of ['users', 'catalog', 'inventory', 'orders', 'payments', 'payment_simulator', 'notifications', 'shipping'])
    dbs[name] = await testDb(`real_${name}`);
  redis = await testRedis('real_catalog');
  const db = (name: string): Db => dbs[name]!.db;
  const users = new UsersStore(db('users'));
  const catalog = new CatalogStore(db('catalog'), redis.redis);
  stores = {
    inventory: new InventoryStore(db('inventory')),
    payments: new PaymentsStore(db('payments'), new SimulatedProvider(db('payment_simulator'))),
    orders: new OrdersStore(db('orders')),
    notifications: new NotificationsStore(db('notifications'), new OutboxTransport()),
    shipping: new ShippingStore(db('shipping')),
  };
  for (const store of [users, catalog, ...Object.values(stores)]) await store.ensureIndexes();
  await catalog.seed(products);
  for (const p of products) await stores.inventory.seed(p.sku, 10);
  customerId = (await users.register({ email: 'real-activities@example.com', password: 'correct-horse-battery', name: 'Ada' })).id;
  activities = {
    users: createUsersActivities(users),
    catalog: createCatalogActivities(catalog),
    inventory: createInventoryActivities(stores.inventory),
    payments: createPaymentsActivities(stores.payments),
    orders: createOrdersActivities(stores.orders),
    notifications: createNotificationsActivities(stores.notifications),
    shipping: createShippingActivities(stores.shipping),
  };
}, 180_000);

// A fresh test server per test: after some branches the Java test server stops
// skipping time for workflows started later.
beforeEach(async () => {
  env = await createTimeSkippingEnv();
}, 60_000);
afterEach(async () => {
  if (!env) return;
  await terminateStarted(env);
  await env.teardown();
});

afterAll(async () => {
  await Promise.all(Object.values(dbs).map((d) => d.close()));
  await redis?.close();
});

const espresso = () => sagaInput({ customerId, items: [{ sku: 'ESPRESSO-PRO', quantity: 1 }] });
const stockOf = async (sku: string) => (await stores.inventory.level(sku))!;

describe('order saga on the real activities', () => {
  it('approval given: charged and reserved while waiting, confirmed and committed after the admin approves', async () => {
    const before = await stockOf('ESPRESSO-PRO');
    await withWorkers(env, activities, async () => {
      const input = espresso();
      const handle = await startSaga(env, input);
      await waitForState(handle, (s) => s.status === 'AWAITING_APPROVAL', 'AWAITING_APPROVAL');
      expect(await stockOf('ESPRESSO-PRO')).toMatchObject({ available: before.available - 1, reserved: before.reserved + 1 });
      expect(await handle.executeUpdate(approveOrderUpdate, { args: [{ approvedBy: 'admin-1' }] })).toMatchObject({
        status: 'AWAITING_APPROVAL',
      });
      await waitForState(handle, (s) => s.status === 'CONFIRMED' && !!s.shipment, 'CONFIRMED with a shipment');

      expect(await stores.payments.charges.findOne({ _id: input.orderId })).toMatchObject({ status: 'CAPTURED', amountCents: 149_900 });
      expect(await stockOf('ESPRESSO-PRO')).toMatchObject({ available: before.available - 1, reserved: before.reserved });
      const types = (await stores.orders.history(input.orderId)).map((e) => e.type);
      expect(types).toEqual(
        expect.arrayContaining(['OrderPlaced', 'PaymentCaptured', 'OrderApproved', 'OrderConfirmed', 'StockCommitted']),
      );
      expect((await stores.orders.get(input.orderId))?.status).toBe('CONFIRMED');
    });
  });

  it('approval timeout: after 24 h without an admin the order is cancelled, refunded and restocked', async () => {
    const before = await stockOf('ESPRESSO-PRO');
    await withWorkers(env, activities, async () => {
      const input = espresso();
      const handle = await startSaga(env, input);
      // result() lets the server skip the 24 h approval timer
      expect(await handle.result()).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'APPROVAL_TIMEOUT' } });
      expect(await stores.payments.charges.findOne({ _id: input.orderId })).toMatchObject({ amountCents: 149_900, refundedCents: 149_900 });
      const ledger = await stores.payments.ledger.find({ _id: { $regex: `^${input.orderId}:` } }).toArray();
      expect(ledger.map((e) => e.type).sort()).toEqual(['charge', 'refund']);
      expect(await stockOf('ESPRESSO-PRO')).toEqual(before);
      expect(await stores.orders.get(input.orderId)).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'APPROVAL_TIMEOUT' } });
    });
  });

  it('a flaky provider: retried with backoff, captured once', async () => {
    await withWorkers(env, activities, async () => {
      const input = sagaInput({ customerId, items: [{ sku: 'MUG-SAGA', quantity: 1 }], paymentToken: 'tok_flaky' });
      const handle = await startSaga(env, input);
      await waitForState(handle, (s) => s.status === 'CONFIRMED', 'CONFIRMED');
      expect(await stores.payments.charges.findOne({ _id: input.orderId })).toMatchObject({ status: 'CAPTURED', amountCents: 1_250 });
      const ledger = await stores.payments.ledger.find({ _id: { $regex: `^${input.orderId}:` } }).toArray();
      expect(ledger.map((e) => e.type)).toEqual(['charge']);
      // The simulator fails tok_flaky twice: the provider was asked three times, the history shows
      // the third attempt succeeding, after at least the policy's two growing backoff intervals.
      expect(
        await dbs
          .payment_simulator!.db.collection<{ _id: string; calls: number }>('flaky_calls')
          .findOne({ _id: `${input.orderId}:charge` }),
      ).toMatchObject({
        calls: 3,
      });
      const [run, ...more] = await activityRetries(handle, 'chargePayment');
      expect(more).toEqual([]);
      expect(run?.attempts).toBe(3);
      const { initialIntervalMs, backoffCoefficient } = run!.policy;
      expect(initialIntervalMs).toBeGreaterThan(0);
      expect(backoffCoefficient).toBeGreaterThan(1);
      expect(run!.waitedMs).toBeGreaterThanOrEqual(initialIntervalMs * (1 + backoffCoefficient));
    });
  });

  it('a late carrier alerts operators and the customer; a week after delivery the customer is asked for a review', async () => {
    await withWorkers(env, activities, async () => {
      // Short real timeouts instead of a skip: a skip that starts while real activities
      // are in flight sometimes never ends on the Java test server.
      const input = sagaInput(
        { customerId, items: [{ sku: 'MUG-SAGA', quantity: 1 }] },
        { fulfilment: { pickupTimeout: '2s', deliveryTimeout: '1h', reviewRequestDelay: '7 days' } },
      );
      const handle = await startSaga(env, input);
      await waitForState(handle, (s) => !!s.shipment, 'a shipment');
      const sent = (template: NotificationTemplate, userId = customerId) =>
        stores.notifications.notifications
          .find({ userId, template })
          .toArray()
          .then((docs) => docs.filter((d) => JSON.stringify(d).includes(input.orderId)));
      let alerts = 0;
      await until(
        () => alerts >= 2,
        'two pickup alerts',
        async () => {
          alerts = (await sent('operator_alert', 'operators')).length;
        },
      );
      expect(await sent('shipment_delayed')).toHaveLength(1);
      await deliver(env, input.orderId);
      expect(await handle.result()).toMatchObject({ status: 'DELIVERED' });
      await env.client.workflow.getHandle(`fulfilment-${input.orderId}`).result(); // skips the 7 days
      expect(await sent('review_request')).toHaveLength(1);
      expect((await stores.orders.get(input.orderId))?.status).toBe('DELIVERED');
    });
  });

  it('onboarding: welcome at once, a reminder after 3 days without an order', async () => {
    await withWorkers(env, activities, async () => {
      const handle = await env.client.workflow.start<typeof onboarding>('onboarding', {
        taskQueue: usersTaskQueue,
        workflowId: `onboarding-${customerId}`,
        args: [{ userId: customerId, email: 'real-activities@example.com', name: 'Ada', settings: { reminderDelay: '3 days' } }],
      });
      expect(await handle.result()).toMatchObject({ reminded: true });
      const templates = (await stores.notifications.notifications.find({ userId: customerId }).toArray()).map((n) => n.template);
      expect(templates).toEqual(expect.arrayContaining(['welcome', 'reminder']));
    });
  });

  it('an order the shop cannot charge as one amount ends CANCELLED with its reason, never FAILED; nothing reserved or charged', async () => {
    await withWorkers(env, activities, async () => {
      for (const [items, reason] of [
        [
          [
            { sku: 'MUG-SAGA', quantity: 1 },
            { sku: 'MUG-USD', quantity: 1 },
          ],
          'MIXED_CURRENCIES',
        ],
        [[{ sku: 'YACHT', quantity: 2 }], 'AMOUNT_OUT_OF_RANGE'],
        [[{ sku: 'FREEBIE', quantity: 1 }], 'AMOUNT_OUT_OF_RANGE'],
      ] as const) {
        const input = sagaInput({ customerId, items: [...items] });
        const handle = await startSaga(env, input);
        expect(await handle.result()).toMatchObject({ status: 'CANCELLED', cancellation: { reason } });
        expect(await stores.orders.get(input.orderId)).toMatchObject({ status: 'CANCELLED', cancellation: { reason } });
        const types = (await stores.orders.history(input.orderId)).map((e) => e.type);
        expect(types).toEqual(['OrderPlaced', 'OrderCancelled']);
        expect(await stores.payments.charges.findOne({ _id: input.orderId })).toBeNull();
        expect(await stores.inventory.reservation(input.orderId)).toBeFalsy();
      }
    });
  });

  it('a compensation that can never succeed (its database is gone) ends the order FAILED, visibly', async () => {
    // The inventory service loses its database right after reserving: the release owed
    // after the declined payment fails on every attempt.
    const client = await connectMongo(stack().mongoUrl);
    const doomed = createInventoryActivities(new InventoryStore(client.db(dbs.inventory!.db.databaseName)));
    const inventory = {
      ...doomed,
      reserveStock: async (input: Parameters<typeof doomed.reserveStock>[0]) => {
        const result = await doomed.reserveStock(input);
        await client.close();
        return result;
      },
    };
    await withWorkers(env, { ...activities, inventory }, async () => {
      const input = sagaInput(
        { customerId, items: [{ sku: 'MUG-SAGA', quantity: 1 }], paymentToken: 'tok_declined' },
        { compensationMaxAttempts: 2 },
      );
      const handle = await startSaga(env, input);
      const result = await handle.result();
      expect(result).toMatchObject({ status: 'FAILED', failure: { reason: stringContaining('release') } });
      const view = await stores.orders.get(input.orderId);
      expect(view).toMatchObject({ status: 'FAILED' });
      expect((await stores.orders.history(input.orderId)).map((e) => e.type)).toContain('OrderFailed');
      const alerts = await stores.notifications.notifications.find({ userId: 'operators', template: 'operator_alert' }).toArray();
      expect(alerts.some((a) => JSON.stringify(a).includes(input.orderId))).toBe(true);
      // Honest about the damage: the stock is still held, for an operator to release.
      expect(await stores.inventory.reservation(input.orderId)).toMatchObject({ status: 'RESERVED' });
    });
  });

  it("the order's document lost by the database mid-saga is written again from the saga: it finishes, its log complete", async () => {
    await withWorkers(env, activities, async () => {
      const input = espresso();
      const handle = await startSaga(env, input);
      await waitForState(handle, (s) => s.status === 'AWAITING_APPROVAL', 'AWAITING_APPROVAL');
      // What a crash of the database before its writes reached the disk leaves: no order at all.
      expect((await stores.orders.orders.deleteOne({ _id: input.orderId })).deletedCount).toBe(1);
      await handle.executeUpdate(approveOrderUpdate, { args: [{ approvedBy: 'admin-1' }] });
      await waitForState(handle, (s) => s.status === 'CONFIRMED' && !!s.shipment, 'CONFIRMED with a shipment');
      expect((await stores.orders.history(input.orderId)).map((e) => e.type)).toEqual([
        'OrderPlaced',
        'OrderPriced',
        'StockReserved',
        'PaymentCaptured',
        'ApprovalRequested',
        'OrderApproved',
        'OrderConfirmed',
        'StockCommitted',
      ]);
      expect(await stores.orders.get(input.orderId)).toMatchObject({ customerId, status: 'CONFIRMED', totalCents: 149_900 });
      expect(await stores.orders.get(input.orderId)).toEqual(await stores.orders.rebuild(input.orderId));
    });
  });

  it('a cancel after confirmation answers CANCELLING; refunded, restocked and the shipment voided, it ends CANCELLED', async () => {
    const before = await stockOf('MUG-SAGA');
    await withWorkers(env, activities, async () => {
      const input = sagaInput({ customerId, items: [{ sku: 'MUG-SAGA', quantity: 1 }] });
      const handle = await startSaga(env, input);
      const { shipment } = await waitForState(handle, (s) => s.status === 'CONFIRMED' && !!s.shipment, 'CONFIRMED with a shipment', 45_000);
      expect(await stores.shipping.get(shipment!.shipmentId)).toMatchObject({ status: 'LABEL_CREATED' });
      expect(await handle.executeUpdate(cancelOrderUpdate, { args: [{ requestedBy: customerId }] })).toEqual({ status: 'CANCELLING' });
      expect(await handle.result()).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'CUSTOMER_CANCELLED' } });
      expect(await stores.payments.charges.findOne({ _id: input.orderId })).toMatchObject({ amountCents: 1_250, refundedCents: 1_250 });
      expect(await stockOf('MUG-SAGA')).toEqual(before);
      await env.client.workflow.getHandle(`fulfilment-${input.orderId}`).result();
      expect(await stores.shipping.get(shipment!.shipmentId)).toMatchObject({ status: 'CANCELLED' });
    });
  }, 90_000);

  it('once the saga knows of the pickup a cancel is refused: nothing refunded or restocked', async () => {
    await withWorkers(env, activities, async () => {
      const input = sagaInput({ customerId, items: [{ sku: 'MUG-SAGA', quantity: 1 }] });
      const handle = await startSaga(env, input);
      const { shipment } = await waitForState(handle, (s) => s.status === 'CONFIRMED' && !!s.shipment, 'CONFIRMED with a shipment', 45_000);
      const stock = await stockOf('MUG-SAGA');
      await handle.executeUpdate(carrierPickupUpdate, { args: [shipment!] });
      await waitForState(handle, (s) => s.status === 'SHIPPED', 'SHIPPED');
      await expectRefused(handle.executeUpdate(cancelOrderUpdate, { args: [{ requestedBy: customerId }] }), 'SHIPPED', /picked up/);
      await deliver(env, input.orderId);
      expect(await handle.result()).toMatchObject({ status: 'DELIVERED' });
      expect(await stores.payments.charges.findOne({ _id: input.orderId })).toMatchObject({ amountCents: 1_250, refundedCents: 0 });
      expect(await stockOf('MUG-SAGA')).toEqual(stock);
    });
  }, 90_000);
});
