// `Prefer: wait=N` (docs/api.md) on the running system: placing an order or checking
// out answers 201 with the settled order when the saga settles in time, 202 as
// usual when it does not; a replay of the same request waits too; GET waits
// while the order is PENDING; many waiters of one order share one update.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SETTLED_UPDATE_ID } from '../../gateway/orders/wait.js';
import { DEMO_ADMIN } from '../../shared/demo-data.js';
import { startSystem, type RunningSystem } from '../../scripts/stack/system.js';
import { ADDRESS, Api } from '../support/api.js';
import { ItemsBody, OrderIdBody, StatusBody, bodyAs } from '../support/bodies.js';
import { anyString } from '../support/matchers.js';
import { UNLIMITED_REQUESTS, isolatedSystemOptions } from '../support/system.js';
import { orderSagaWorkflow } from '../../services/orders/temporal/contract.js';

let system: RunningSystem;
let connection: Connection;
let temporal: Client;
let api: Api;
let ada: { id: string; token: string };

beforeAll(async () => {
  // tok_slow takes 4 s at the provider: long enough to outlast a 1 s wait.
  const options = await isolatedSystemOptions('prefer', {
    env: { SEED_DEMO: 'true', SIMULATOR_SLOW_MS: '4000', ...UNLIMITED_REQUESTS },
  });
  system = await startSystem(options);
  connection = await Connection.connect({ address: options.temporalAddress });
  temporal = new Client({ connection, namespace: options.temporalNamespace });
  api = new Api(`${system.gatewayUrl}/api/v1`);
  ada = await api.account('ada');
}, 240_000);
afterAll(async () => {
  await system?.stop();
  await connection?.close();
});

/** The ids of the updates the order's saga accepted, from its history: one per update, however many waited on it. */
async function acceptedUpdates(orderId: string): Promise<string[]> {
  const { events } = await temporal.workflow.getHandle(orderSagaWorkflow.id(orderId)).fetchHistory();
  return (events ?? []).flatMap((e) => {
    const id = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId;
    return id ? [id] : [];
  });
}

const wait = (seconds: number) => ({ Prefer: `wait=${seconds}` });

/** A settled order as these tests compare it: its id, status and total. */
const TotalBody = z.object({ orderId: z.string(), status: z.unknown().optional(), totalCents: z.number() });

describe('Prefer: wait', () => {
  it('a saga that settles in time: 201 with the order as GET shows it', async () => {
    const key = randomUUID();
    const res = await api.placeOrder(ada.token, [{ sku: 'MUG-SAGA', quantity: 1 }], { key, headers: wait(20) });
    expect(res.status).toBe(201);
    expect(res.headers.get('preference-applied')).toBe('wait=20');
    const placed = bodyAs(res, TotalBody);
    expect(res.headers.get('location')).toBe(`/api/v1/orders/${placed.orderId}`);
    expect(res.body).toMatchObject({
      status: 'CONFIRMED',
      totalCents: 1250,
      currency: 'EUR',
      items: [{ sku: 'MUG-SAGA', quantity: 1, unitPriceCents: 1250 }],
    });
    // The gateway passed the customer's address along: the saga asked the users service for nothing.
    const { events } = await temporal.workflow.getHandle(orderSagaWorkflow.id(placed.orderId)).fetchHistory();
    const activities = (events ?? []).flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    expect(activities).toContain('priceOrder');
    expect(activities).not.toContain('getUserContact');
    const shown = bodyAs(await api.request('GET', `/orders/${placed.orderId}`, { token: ada.token }), TotalBody);
    expect(shown.status).toBe('CONFIRMED');
    expect(shown.totalCents).toBe(placed.totalCents);

    // The same request again (an idempotent replay) waits as well: the same order, settled.
    const again = await api.placeOrder(ada.token, [{ sku: 'MUG-SAGA', quantity: 1 }], { key, headers: wait(20) });
    expect(again.status).toBe(201);
    expect(bodyAs(again, OrderIdBody).orderId).toBe(placed.orderId);
    // Without the preference it is the stored 202, as before.
    const replayed = await api.placeOrder(ada.token, [{ sku: 'MUG-SAGA', quantity: 1 }], { key });
    expect(replayed.status).toBe(202);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(bodyAs(replayed, OrderIdBody).orderId).toBe(placed.orderId);
  });

  it('30 readers polling one order throughout its saga never see a status ahead of its records', async () => {
    // The saga writes the priced lines with the records that lead to CONFIRMED; a GET reads the
    // record and queries the saga at once, and must not pair a record from before with a status from after.
    const res = await api.placeOrder(ada.token, [{ sku: 'MUG-SAGA', quantity: 2 }], { paymentToken: 'tok_slow' });
    expect(res.status).toBe(202);
    const { orderId } = bodyAs(res, OrderIdBody);
    const Seen = z.object({
      status: z.string(),
      totalCents: z.number().nullable(),
      items: z.array(z.object({ unitPriceCents: z.number().optional() }).loose()),
    });
    const seen: Array<z.infer<typeof Seen>> = [];
    const reader = async () => {
      for (let settled = false; !settled;) {
        const shown = bodyAs(await api.request('GET', `/orders/${orderId}`, { token: ada.token }), Seen);
        seen.push(shown);
        settled = shown.status !== 'PENDING';
      }
    };
    await Promise.all(Array.from({ length: 30 }, reader));
    const confirmed = seen.filter((s) => s.status === 'CONFIRMED');
    expect(confirmed.length).toBeGreaterThanOrEqual(30);
    for (const s of confirmed) {
      expect(s.totalCents).toBe(2 * 1250);
      expect(s.items).toEqual([expect.objectContaining({ unitPriceCents: 1250 })]);
    }
  }, 60_000);

  it('settled also means cancelled or awaiting approval', async () => {
    const declined = await api.placeOrder(ada.token, [{ sku: 'MUG-SAGA', quantity: 1 }], {
      paymentToken: 'tok_declined',
      headers: wait(20),
    });
    expect(declined.status).toBe(201);
    expect(declined.body).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'PAYMENT_DECLINED' } });
    const pricey = await api.placeOrder(ada.token, [{ sku: 'ESPRESSO-PRO', quantity: 1 }], { headers: wait(20) });
    expect(pricey.status).toBe(201);
    expect(bodyAs(pricey, StatusBody).status).toBe('AWAITING_APPROVAL');
  });

  it('a saga that does not settle in time: 202, and GET with Prefer waits for it', async () => {
    const res = await api.placeOrder(ada.token, [{ sku: 'MUG-SAGA', quantity: 1 }], { paymentToken: 'tok_slow', headers: wait(1) });
    expect(res.status).toBe(202);
    const { orderId } = bodyAs(res, OrderIdBody);
    expect(res.body).toEqual({ orderId: anyString(), status: 'PENDING', links: { self: `/api/v1/orders/${orderId}` } });
    // Tens of waiters at once share the saga's one `settled` update (Temporal allows 10 in flight per workflow).
    const waiters = await Promise.all(
      Array.from({ length: 20 }, () => api.request('GET', `/orders/${orderId}`, { token: ada.token, headers: wait(25) })),
    );
    for (const w of waiters) {
      expect(w.status).toBe(200);
      expect(bodyAs(w, StatusBody).status).toBe('CONFIRMED');
    }
    // Shared: the saga accepted one `settled` update (the placing request's), not one per waiter.
    expect(await acceptedUpdates(orderId)).toEqual([SETTLED_UPDATE_ID]);
    // A settled order answers at once, without the header.
    const now = await api.request('GET', `/orders/${orderId}`, { token: ada.token, headers: wait(25) });
    expect(bodyAs(now, StatusBody).status).toBe('CONFIRMED');
    expect(now.headers.get('preference-applied')).toBeNull();
  });

  it('checkout waits too', async () => {
    expect((await api.request('POST', '/cart/items', { token: ada.token, body: { sku: 'STICKERS-5', quantity: 2 } })).status).toBe(200);
    const res = await api.request('POST', '/cart/checkout', {
      token: ada.token,
      body: { paymentToken: 'tok_visa', shippingAddress: ADDRESS },
      headers: { 'Idempotency-Key': randomUUID(), ...wait(20) },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'CONFIRMED', items: [{ sku: 'STICKERS-5', quantity: 2 }] });
    expect(bodyAs(await api.request('GET', '/cart', { token: ada.token }), ItemsBody).items).toEqual([]);
  });

  it('malformed or zero preferences are ignored (RFC 7240): the usual 202', async () => {
    for (const prefer of ['wait=abc', 'wait=0', 'wait', 'respond-async']) {
      const res = await api.placeOrder(ada.token, [{ sku: 'MUG-SAGA', quantity: 1 }], { headers: { Prefer: prefer } });
      expect(res.status, prefer).toBe(202);
    }
  });

  it("the admin sees another customer's order settle; a stranger gets 404 without waiting", async () => {
    const admin = await api.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    const bob = await api.account('bob');
    const res = await api.placeOrder(ada.token, [{ sku: 'MUG-SAGA', quantity: 1 }], { paymentToken: 'tok_slow' });
    expect(res.status).toBe(202);
    const { orderId } = bodyAs(res, OrderIdBody);
    const stranger = await api.request('GET', `/orders/${orderId}`, { token: bob.token, headers: wait(25) });
    expect(stranger.status).toBe(404);
    // Without waiting: the 404 came back while the order was still PENDING (tok_slow holds the
    // charge 4 s); had it waited for the saga, the order would be settled by now.
    const meanwhile = await api.request('GET', `/orders/${orderId}`, { token: ada.token });
    expect(bodyAs(meanwhile, StatusBody).status).toBe('PENDING');
    // and no update was started on the stranger's behalf
    expect(await acceptedUpdates(orderId)).toEqual([]);
    const seen = await api.request('GET', `/orders/${orderId}`, { token: admin, headers: wait(25) });
    expect(bodyAs(seen, StatusBody).status).toBe('CONFIRMED');
  });
});
