// The saga branches that need a timer or a fault, run with the REAL activities of
// every service on real stores (the Mongo-protocol server and Redis of the test
// stack), on the time-skipping server: approval given, approval timed out (24 h
// skipped), a flaky provider, a late carrier with the review request a week after
// delivery, a compensation that can never succeed, and onboarding. Success, out of
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
import { approveOrderUpdate } from '../../workflows/definitions.js';
import type { onboarding } from '../../workflows/onboarding.js';
import { TaskQueues } from '../../shared/domain/vocabulary.js';
import { createTimeSkippingEnv, stack, testDb, testRedis, type TestDb } from '../support/stack.js';
import type { Fakes } from './fakes.js';
import { activityRetries, deliver, sagaInput, startSaga, terminateStarted, until, waitForState, withWorkers } from './harness.js';

const products = [
  {
    sku: 'ESPRESSO-PRO',
    name: 'Espresso machine',
    description: 'above the approval threshold',
    priceCents: 149_900,
    currency: 'EUR' as const,
  },
  { sku: 'MUG-SAGA', name: 'Mug', description: 'a mug', priceCents: 1_250, currency: 'EUR' as const },
];

let env: TestWorkflowEnvironment;
const dbs: Record<string, TestDb> = {};
let redis: Awaited<ReturnType<typeof testRedis>>;
let stores: { inventory: InventoryStore; payments: PaymentsStore; orders: OrdersStore; notifications: NotificationsStore };
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
  };
  const shipping = new ShippingStore(db('shipping'));
  for (const store of [users, catalog, shipping, ...Object.values(stores)]) await store.ensureIndexes();
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
    shipping: createShippingActivities(shipping),
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
      const ledger = await stores.payments.ledger.find({ _id: { $regex: `^${input.orderId}:` } as never }).toArray();
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
      const ledger = await stores.payments.ledger.find({ _id: { $regex: `^${input.orderId}:` } as never }).toArray();
      expect(ledger.map((e) => e.type)).toEqual(['charge']);
      // The simulator fails tok_flaky twice: the provider was asked three times, the history shows
      // the third attempt succeeding, after at least the policy's two growing backoff intervals.
      expect(await dbs.payment_simulator!.db.collection('flaky_calls').findOne({ _id: `${input.orderId}:charge` as never })).toMatchObject({
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
      const sent = (template: string, userId = customerId) =>
        stores.notifications.notifications
          .find({ userId, template: template as never })
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
        taskQueue: TaskQueues.users,
        workflowId: `onboarding-${customerId}`,
        args: [{ userId: customerId, email: 'real-activities@example.com', name: 'Ada', settings: { reminderDelay: '3 days' } }],
      });
      expect(await handle.result()).toMatchObject({ reminded: true });
      const templates = (await stores.notifications.notifications.find({ userId: customerId }).toArray()).map((n) => n.template);
      expect(templates).toEqual(expect.arrayContaining(['welcome', 'reminder']));
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
      expect(result).toMatchObject({ status: 'FAILED', failure: { reason: expect.stringContaining('release') } });
      const view = await stores.orders.get(input.orderId);
      expect(view).toMatchObject({ status: 'FAILED' });
      expect((await stores.orders.history(input.orderId)).map((e) => e.type)).toContain('OrderFailed');
      const alerts = await stores.notifications.notifications.find({ userId: 'operators', template: 'operator_alert' }).toArray();
      expect(alerts.some((a) => JSON.stringify(a).includes(input.orderId))).toBe(true);
      // Honest about the damage: the stock is still held, for an operator to release.
      expect(await stores.inventory.reservation(input.orderId)).toMatchObject({ status: 'RESERVED' });
    });
  });
});
