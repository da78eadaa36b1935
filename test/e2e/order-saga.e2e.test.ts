// The whole system as `npm start` runs it — every service process (each with its
// worker) and the gateway on the real Temporal dev server, the Mongo-protocol
// server and Redis — driven only through the public API, then checked in each
// service's own database.
import { Client, Connection } from '@temporalio/client';
import type { Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEMO_ADMIN } from '../../shared/demo-data.js';
import { connectMongo } from '../../shared/mongo.js';
import { startGateway, startSystem, SERVICE_NAMES, type RunningSystem, type SystemOptions } from '../../scripts/stack/system.js';
import { stack, uniqueName } from '../support/stack.js';
import type { orderSaga } from '../../workflows/order-saga.js';
import { Api, type Answer } from '../support/api.js';
import {
  CompensationsBody,
  EventTypesBody,
  IdBody,
  OrderIdBody,
  OrderStateBody,
  OrderStatusBody,
  ShippedBody,
  TokenBody,
  bodyAs,
  tryBodyAs,
} from '../support/bodies.js';
import { arrayContaining } from '../support/matchers.js';
import { createNamespace, isolatedSystemOptions } from '../support/system.js';
import { expectReady } from '../support/readiness.js';

const address = { name: 'Ada', line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' };

let system: RunningSystem;
let systemOptions: SystemOptions;
let mongo: MongoClient;
let temporal: Client;
let connection: Connection;
let prefix: string;
let api: string;
let customer: { token: string; id: string };
let admin: string;

const db = (service: string): Db => mongo.db(`${prefix}${service}`);

/** What these tests read of the services' documents, whose ids are strings (the order id, `<orderId>:charge`). */
interface StoredCharge {
  _id: string;
  status: string;
  amountCents: number;
}
interface LedgerEntry {
  _id: string;
  orderId: string;
  type: string;
  amountCents: number;
}
interface StoredOrder {
  _id: string;
  events: Array<{ type: string }>;
}

/** A confirmed order: its total, its lines and the steps its saga took. */
const ConfirmedBody = z.object({
  totalCents: z.number(),
  items: z.array(z.unknown()),
  saga: z.object({ steps: z.array(z.object({ name: z.string() })) }),
});
/** A sku's stock; loose, so a comparison with the whole answer still sees every field. */
const StockBody = z.looseObject({ available: z.number(), reserved: z.number() });

/** The API as a client sees it (test/support/api.ts), with this file's argument order. */
const request = (method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}) =>
  new Api(api).request(method, path, { body, token, headers });

async function login(email: string, password: string): Promise<string> {
  const res = await request('POST', '/auth/login', { email, password });
  expect(res.status).toBe(200);
  return bodyAs(res, TokenBody).accessToken;
}

async function placeOrder(items: Array<{ sku: string; quantity: number }>, paymentToken: string): Promise<string> {
  const res = await request('POST', '/orders', { items, paymentToken, shippingAddress: address }, customer.token, {
    'Idempotency-Key': uniqueName('key'),
  });
  expect(res.status).toBe(202);
  return bodyAs(res, OrderIdBody).orderId;
}

/** Polls the public order view until `done` holds; answers the order. */
async function waitUntil(
  orderId: string,
  done: (order: z.infer<typeof OrderStateBody>) => boolean,
  what = 'the expected state',
): Promise<Answer> {
  const deadline = Date.now() + 45_000;
  let last: Answer | undefined;
  while (Date.now() < deadline) {
    last = await request('GET', `/orders/${orderId}`, undefined, customer.token);
    const order = tryBodyAs(last, OrderStateBody);
    if (order && done(order)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`order ${orderId} did not reach ${what}; last seen ${JSON.stringify(last?.body)}`);
}

/** Polls the public order view until the status is one of `statuses`. */
const waitForStatus = (orderId: string, statuses: string[]) =>
  waitUntil(orderId, (o) => statuses.some((status) => status === o.status), statuses.join('/'));

async function stockOf(sku: string): Promise<{ available: number; reserved: number }> {
  const res = await request('GET', `/inventory/${sku}`);
  expect(res.status).toBe(200);
  return bodyAs(res, StockBody);
}

beforeAll(async () => {
  const s = stack();
  const options = await isolatedSystemOptions('e2e', { env: { SEED_DEMO: 'true' } });
  systemOptions = options;
  prefix = options.prefix;
  system = await startSystem(options);
  api = `${system.gatewayUrl}/api/v1`;
  mongo = await connectMongo(s.mongoUrl);
  connection = await Connection.connect({ address: s.temporalAddress });
  temporal = new Client({ connection, namespace: options.temporalNamespace });
  const email = `${uniqueName('ada')}@example.com`;
  const registered = await request('POST', '/auth/register', { email, password: 'correct-horse-battery', name: 'Ada' });
  expect(registered.status).toBe(201);
  customer = { id: bodyAs(registered, IdBody).id, token: await login(email, 'correct-horse-battery') };
  admin = await login(DEMO_ADMIN.email, DEMO_ADMIN.password);
}, 240_000);

afterAll(async () => {
  await system?.stop();
  if (mongo) {
    for (const name of SERVICE_NAMES)
      await db(name)
        .dropDatabase()
        .catch(() => undefined);
    await mongo.close();
  }
  await connection?.close();
});

describe('the running system', () => {
  it("serves every service's /openapi.json and /health/ready", async () => {
    for (const name of SERVICE_NAMES) {
      const url = system.serviceUrls[name];
      expect(url, name).toBeTruthy();
      await expectReady(url!);
      const spec = (await (await fetch(`${url}/openapi.json`)).json()) as { openapi: string };
      expect(spec.openapi, name).toMatch(/^3\./);
    }
    await expectReady(system.gatewayUrl);
  });

  it('takes an order from placement to delivery and completes its workflow', async () => {
    const before = await stockOf('TSHIRT-RED-M');
    const orderId = await placeOrder(
      [
        { sku: 'TSHIRT-RED-M', quantity: 2 },
        { sku: 'MUG-SAGA', quantity: 1 },
      ],
      'tok_visa',
    );
    const confirmed = bodyAs(await waitForStatus(orderId, ['CONFIRMED']), ConfirmedBody);
    expect(confirmed.totalCents).toBe(2 * 1999 + 1250);
    expect(confirmed.items).toEqual(arrayContaining([{ sku: 'TSHIRT-RED-M', quantity: 2, unitPriceCents: 1999 }]));
    expect(confirmed.saga.steps.map((s) => s.name)).toEqual(arrayContaining(['reserve', 'charge']));

    // inventory: taken for good, nothing left reserved
    expect(await stockOf('TSHIRT-RED-M')).toMatchObject({ available: before.available - 2, reserved: before.reserved });
    // payments: captured once, for the order's total, and recorded in the ledger once
    const charge = await db('payments').collection<StoredCharge>('charges').findOne({ _id: orderId });
    expect(charge).toMatchObject({ status: 'CAPTURED', amountCents: confirmed.totalCents });
    const ledger = await db('payments')
      .collection<LedgerEntry>('ledger')
      .find({ _id: { $regex: `^${orderId}:` } })
      .toArray();
    expect(ledger.map((e) => e.type)).toEqual(['charge']);
    // shipping: the fulfilment child created the shipment; play the carrier through the webhook
    // The fulfilment child creates the shipment right after confirmation; the order view shows it.
    const shipped = await waitUntil(orderId, (o) => Boolean(o.shipment));
    const shipment = await db('shipping').collection<{ _id: string; orderId: string }>('shipments').findOne({ orderId });
    expect(shipment?._id).toBe(bodyAs(shipped, ShippedBody).shipment.shipmentId);
    const at = new Date().toISOString();
    expect((await request('POST', `/shipments/${shipment!._id}/events`, { type: 'PICKED_UP', at }, admin)).status).toBe(202);
    await waitForStatus(orderId, ['SHIPPED', 'DELIVERED']);
    const tooLate = await request('POST', `/orders/${orderId}/cancel`, undefined, customer.token);
    expect(tooLate.status).toBe(409);
    expect((await request('POST', `/shipments/${shipment!._id}/events`, { type: 'DELIVERED', at }, admin)).status).toBe(202);
    await waitForStatus(orderId, ['DELIVERED']);

    // orders: the event log tells the whole story, in order
    const events = await request('GET', `/orders/${orderId}/events`, undefined, customer.token);
    const types = bodyAs(events, EventTypesBody).items.map((e) => e.type);
    expect(types[0]).toBe('OrderPlaced');
    expect(types).toEqual(
      arrayContaining([
        'OrderPriced',
        'StockReserved',
        'PaymentCaptured',
        'OrderConfirmed',
        'StockCommitted',
        'OrderShipped',
        'OrderDelivered',
      ]),
    );
    expect(types.indexOf('OrderConfirmed')).toBeLessThan(types.indexOf('OrderShipped'));

    // notifications: confirmation, shipped, delivered, each once
    const sent = await db('notifications').collection('notifications').find({ userId: customer.id }).toArray();
    for (const template of ['order_confirmed', 'order_shipped', 'order_delivered']) {
      expect(
        sent.filter((n) => n.template === template && JSON.stringify(n).includes(orderId)),
        template,
      ).toHaveLength(1);
    }

    // the order workflow is complete and findable by its search attributes
    const handle = temporal.workflow.getHandle(`order-${orderId}`);
    await handle.result();
    const described = await handle.describe();
    expect(described.status.name).toBe('COMPLETED');
    expect(described.searchAttributes.OrderStatus).toEqual(['DELIVERED']);
    expect(described.searchAttributes.CustomerId).toEqual([customer.id]);
  });

  it('cancels with OUT_OF_STOCK and charges nothing', async () => {
    const orderId = await placeOrder([{ sku: 'LIMITED-POSTER', quantity: 1 }], 'tok_visa');
    const order = await waitForStatus(orderId, ['CANCELLED', 'FAILED']);
    expect(order.body).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'OUT_OF_STOCK' } });
    expect(await db('payments').collection<StoredCharge>('charges').countDocuments({ _id: orderId })).toBe(0);
    expect(await stockOf('LIMITED-POSTER')).toMatchObject({ available: 0, reserved: 0 });
    await temporal.workflow.getHandle(`order-${orderId}`).result();
  });

  it('cancels with PAYMENT_DECLINED after releasing the reserved stock', async () => {
    const before = await stockOf('BACKPACK-20L');
    const orderId = await placeOrder([{ sku: 'BACKPACK-20L', quantity: 3 }], 'tok_declined');
    const order = await waitForStatus(orderId, ['CANCELLED', 'FAILED']);
    expect(order.body).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'PAYMENT_DECLINED' } });
    expect(bodyAs(order, CompensationsBody).saga.compensations.length).toBeGreaterThan(0);
    expect(await stockOf('BACKPACK-20L')).toEqual({ sku: 'BACKPACK-20L', ...before });
    expect(
      await db('payments')
        .collection<LedgerEntry>('ledger')
        .countDocuments({ _id: { $regex: `^${orderId}:` } }),
    ).toBe(0);
    const events: Array<{ type: string }> = (await db('orders').collection<StoredOrder>('orders').findOne({ _id: orderId }))?.events ?? [];
    expect(events.map((e) => e.type)).toEqual(arrayContaining(['StockReserved', 'StockReleased', 'OrderCancelled']));
  });

  it("cancels on the customer's request, refunding the charge", async () => {
    const before = await stockOf('HOODIE-GREY-M');
    const orderId = await placeOrder([{ sku: 'HOODIE-GREY-M', quantity: 1 }], 'tok_visa');
    await waitForStatus(orderId, ['CONFIRMED']);
    const cancelled = await request('POST', `/orders/${orderId}/cancel`, undefined, customer.token);
    expect(cancelled.status).toBe(200);
    const order = await waitForStatus(orderId, ['CANCELLED', 'FAILED']);
    expect(order.body).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'CUSTOMER_CANCELLED' } });
    expect(await stockOf('HOODIE-GREY-M')).toEqual({ sku: 'HOODIE-GREY-M', ...before });
    const ledger = await db('payments')
      .collection<LedgerEntry>('ledger')
      .find({ _id: { $regex: `^${orderId}:` } })
      .toArray();
    expect(ledger.map((e) => e.type).sort()).toEqual(['charge', 'refund']);
  });

  it('a cancel at once after placing, or a few ms later, always ends CANCELLED with stock and money whole', async () => {
    const sku = 'STICKERS-5';
    const before = await stockOf(sku);
    const orders = await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const orderId = await placeOrder([{ sku, quantity: 1 }], 'tok_visa');
        // 0 to 115 ms after the 202: before the first step, between steps, mid-step.
        await new Promise((r) => setTimeout(r, (i % 24) * 5));
        // A client retries a cancel the gateway could not get answered in time (504/503): it is idempotent.
        // A retry may find the cancel it could not see done already: 409 naming CANCELLED.
        let cancelled = await request('POST', `/orders/${orderId}/cancel`, undefined, customer.token);
        for (let retry = 0; cancelled.status >= 500 && retry < 5; retry++) {
          cancelled = await request('POST', `/orders/${orderId}/cancel`, undefined, customer.token);
          if (cancelled.status === 409 && bodyAs(cancelled, OrderStatusBody).orderStatus === 'CANCELLED') return { orderId, status: 200 };
        }
        return { orderId, status: cancelled.status };
      }),
    );
    for (const { orderId, status } of orders) {
      expect(status, orderId).toBe(200);
      const order = await waitForStatus(orderId, ['CANCELLED', 'FAILED']);
      expect(order.body, orderId).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'CUSTOMER_CANCELLED' } });
      const ledger = await db('payments').collection<LedgerEntry>('ledger').find({ orderId }).toArray();
      const charged = ledger.filter((e) => e.type === 'charge').reduce((sum, e) => sum + e.amountCents, 0);
      const refunded = ledger.filter((e) => e.type === 'refund').reduce((sum, e) => sum + e.amountCents, 0);
      expect(charged - refunded, orderId).toBe(0);
      // The run itself ends (after telling the customer), never as a failed run.
      expect(await temporal.workflow.getHandle<typeof orderSaga>(`order-${orderId}`).result(), orderId).toMatchObject({
        status: 'CANCELLED',
      });
    }
    expect(await stockOf(sku)).toEqual({ sku, ...before });
  });

  it('shows an order no worker has run yet as PENDING to its owner, not 404', async () => {
    // Found by the chaos run: right after a kill of the orders process (or under load), the saga's
    // first task had not run, so neither the read model nor the live query knew the order, and the
    // gateway answered 404 to the customer who had just been given its id (and to their cancel).
    // A gateway on a namespace where no worker runs sagas reproduces that moment for as long as needed.
    const namespace = await createNamespace('e2e-idle');
    const idle = await startGateway(
      { ...systemOptions, temporalNamespace: namespace },
      system.serviceUrls,
      // Short enough for a quick test, long enough that the search-attribute lookup beside
      // the hanging query answers within it on a machine busy with other test files.
      { DOWNSTREAM_TIMEOUT_MS: '3000' },
      'gateway-idle',
    );
    try {
      const idleApi = `${idle.url}/api/v1`;
      const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
        const res = await fetch(`${idleApi}${path}`, {
          method,
          headers: { Authorization: `Bearer ${customer.token}`, 'Content-Type': 'application/json', ...headers },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const answer: unknown = await res.json();
        return { status: res.status, body: answer };
      };
      const placed = await call(
        'POST',
        '/orders',
        { items: [{ sku: 'MUG-SAGA', quantity: 1 }], paymentToken: 'tok_visa', shippingAddress: address },
        { 'Idempotency-Key': uniqueName('idle') },
      );
      expect(placed.status).toBe(202);
      const { orderId } = bodyAs(placed, OrderIdBody);
      const seen = await call('GET', `/orders/${orderId}`);
      expect(seen.status).toBe(200);
      expect(seen.body).toMatchObject({ orderId, customerId: customer.id, status: 'PENDING' });
      // the cancel waits for a worker to decide: past the budget that is a 504, never a 404
      expect((await call('POST', `/orders/${orderId}/cancel`)).status).toBe(504);
      // an admin sees it too
      const asAdmin = await fetch(`${idleApi}/orders/${orderId}`, { headers: { Authorization: `Bearer ${admin}` } });
      expect(asAdmin.status).toBe(200);
    } finally {
      await idle.stop();
    }
  });
});
