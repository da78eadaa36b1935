// The chaos run's customers: a mixed workload through the public API only. Each
// order follows one scenario — paid (tok_visa), declined, flaky, slow (tok_slow,
// only in the middle of the run, while payments answers slower than its activity
// timeout), out of stock (a sku with little stock), cancelled at a random moment,
// above the approval threshold and approved by the admin or left to time out,
// checked out from a cart by three concurrent requests with one Idempotency-Key,
// or carried to delivery by the carrier (with a cancel after pickup that must be
// refused). judge() then holds each order's end against what its scenario allows.
import { randomUUID } from 'node:crypto';
import { DEMO_ADMIN } from '../../shared/demo-data.js';
import type { CheckResult } from '../audit/checks.js';
import type { OrderRecord } from '../audit/snapshot.js';
import type { Answer, ShopClient } from './client.js';

export const SCENARIOS = [
  'ok',
  'flaky',
  'declined',
  'slow',
  'outOfStock',
  'cancel',
  'approve',
  'approvalTimeout',
  'checkout',
  'delivered',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** The share of each scenario; 'slow' applies to the middle third of the run only. */
export type Mix = Record<Scenario, number>;

export const DEFAULT_MIX: Mix = {
  ok: 24,
  flaky: 10,
  declined: 10,
  slow: 12,
  outOfStock: 10,
  cancel: 14,
  approve: 5,
  approvalTimeout: 4,
  checkout: 7,
  delivered: 4,
};

const ADDRESS = { name: 'Chaos Customer', line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' };
const SKUS = { regular: ['CHAOS-TEE', 'CHAOS-MUG', 'CHAOS-CAP', 'CHAOS-BAG'], scarce: 'CHAOS-SCARCE', expensive: 'CHAOS-PRO' } as const;
const PRICES: Record<string, number> = {
  'CHAOS-TEE': 1999,
  'CHAOS-MUG': 1250,
  'CHAOS-CAP': 2450,
  'CHAOS-BAG': 4500,
  'CHAOS-SCARCE': 3000,
  'CHAOS-PRO': 150_000,
};

export interface Shop {
  client: ShopClient;
  admin: string;
  customers: string[];
}

export interface OrderRun {
  index: number;
  scenario: Scenario;
  orderId?: string;
  /** The answer to the customer's cancel: 200 accepted, 409 refused. */
  cancel?: number;
  /** The answer to the admin's approval (undefined: the order never awaited approval). */
  approval?: number;
  /** The order ids the concurrent checkouts of one cart answered with. */
  checkoutIds?: string[];
  /** Which of the shop's customers ran it (an index into `Shop.customers`). */
  customer?: number;
  error?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const body = <T>(answer: Answer) => answer.body as T;

function expectStatus(answer: Answer, wanted: number[], what: string): Answer {
  if (!wanted.includes(answer.status)) throw new Error(`${what} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  return answer;
}

/** The catalog and stock of the run, and one signed-in customer per concurrent client. */
export async function seedShop(client: ShopClient, customers: number, scarceUnits: number): Promise<Shop> {
  const login = async (email: string, password: string) =>
    body<{ accessToken: string }>(expectStatus(await client.call('POST', '/auth/login', { body: { email, password } }), [200], 'login'))
      .accessToken;
  const admin = await login(DEMO_ADMIN.email, DEMO_ADMIN.password);
  for (const [sku, priceCents] of Object.entries(PRICES)) {
    expectStatus(
      await client.call('PUT', `/products/${sku}`, {
        token: admin,
        body: { name: `Chaos ${sku}`, description: 'chaos run', priceCents, currency: 'EUR' },
      }),
      [200, 201],
      `PUT /products/${sku}`,
    );
    expectStatus(
      await client.call('PUT', `/inventory/${sku}`, { token: admin, body: { available: sku === SKUS.scarce ? scarceUnits : 100_000 } }),
      [200],
      `PUT /inventory/${sku}`,
    );
  }
  const tokens: string[] = [];
  for (let i = 0; i < customers; i++) {
    const email = `chaos-${randomUUID()}@example.com`;
    expectStatus(
      await client.call('POST', '/auth/register', { body: { email, password: 'chaos-password-1', name: `Chaos ${i}` } }),
      [201],
      'register',
    );
    tokens.push(await login(email, 'chaos-password-1'));
  }
  return { client, admin, customers: tokens };
}

/** `count` scenarios in random order by the mix; slow payments only in the middle third. */
export function planOrders(count: number, mix: Mix): Scenario[] {
  const weights = SCENARIOS.map((s) => [s, mix[s]] as const).filter(([, w]) => w > 0);
  const total = weights.reduce((n, [, w]) => n + w, 0);
  return Array.from({ length: count }, (_, i) => {
    let roll = Math.random() * total;
    const scenario = weights.find(([, w]) => (roll -= w) < 0)?.[0] ?? 'ok';
    const middle = i >= count / 3 && i < (2 * count) / 3;
    return scenario === 'slow' && !middle ? 'ok' : scenario;
  });
}

const lines = (skus: readonly string[], max = 2) =>
  [...new Set(Array.from({ length: 1 + Math.floor(Math.random() * max) }, () => pick(skus)))].map((sku) => ({
    sku,
    quantity: 1 + Math.floor(Math.random() * 2),
  }));

async function place(shop: Shop, token: string, items: Array<{ sku: string; quantity: number }>, paymentToken: string): Promise<string> {
  const answer = await shop.client.call('POST', '/orders', {
    token,
    retryConflict: true,
    headers: { 'Idempotency-Key': randomUUID() },
    body: { items, paymentToken, shippingAddress: ADDRESS },
  });
  return body<{ orderId: string }>(expectStatus(answer, [201, 202], 'POST /orders')).orderId;
}

/** What the workload reads of GET /orders/{id}. */
interface OrderSeen {
  status: string;
  shipment?: { shipmentId?: string };
}

/** Looks at the order until `done` holds; its last view either way. */
async function watch(
  shop: Shop,
  token: string,
  orderId: string,
  done: (order: OrderSeen) => boolean,
  timeoutMs = 150_000,
): Promise<OrderSeen> {
  const deadline = Date.now() + timeoutMs;
  let order: OrderSeen;
  do {
    // Prefer: wait answers at once once the order has left PENDING, and saves polling until then.
    order = body<OrderSeen>(
      expectStatus(
        await shop.client.call('GET', `/orders/${orderId}`, { token, headers: { Prefer: 'wait=10' } }),
        [200],
        'GET /orders/{id}',
      ),
    );
    if (done(order)) return order;
    await sleep(500);
  } while (Date.now() < deadline);
  return order;
}

const settled = (order: OrderSeen) => order.status !== 'PENDING';

/**
 * One order of the plan, as its customer would go about it. The customer waits for each order to
 * leave PENDING before the next, so the orders in flight stay about as many as the customers and
 * the faults, paced by the orders begun, land while sagas are moving.
 */
async function runOne(shop: Shop, token: string, run: OrderRun): Promise<void> {
  const { client, admin } = shop;
  switch (run.scenario) {
    case 'ok':
    case 'flaky':
    case 'declined':
    case 'slow': {
      const paymentToken = { ok: 'tok_visa', flaky: 'tok_flaky', declined: 'tok_declined', slow: 'tok_slow' }[run.scenario];
      run.orderId = await place(shop, token, lines(SKUS.regular), paymentToken);
      await watch(shop, token, run.orderId, settled);
      return;
    }
    case 'outOfStock':
      run.orderId = await place(shop, token, [{ sku: SKUS.scarce, quantity: 1 + Math.floor(Math.random() * 2) }], 'tok_visa');
      await watch(shop, token, run.orderId, settled);
      return;
    case 'cancel': {
      run.orderId = await place(shop, token, lines(SKUS.regular), pick(['tok_visa', 'tok_visa', 'tok_flaky']));
      await sleep(Math.random() * 3_000);
      // With a key, a resend after a lost answer (gateway killed) gets the first answer from the saga.
      const once = { token, headers: { 'Idempotency-Key': randomUUID() } };
      run.cancel = expectStatus(await client.call('POST', `/orders/${run.orderId}/cancel`, once), [200, 409], 'cancel').status;
      return;
    }
    case 'approve':
    case 'approvalTimeout': {
      run.orderId = await place(shop, token, [{ sku: SKUS.expensive, quantity: 1 }], 'tok_visa');
      const order = await watch(shop, token, run.orderId, settled);
      if (run.scenario === 'approvalTimeout') return;
      if (order.status !== 'AWAITING_APPROVAL') return;
      await sleep(Math.random() * 2_000);
      run.approval = expectStatus(
        await client.call('POST', `/orders/${run.orderId}/approve`, { token: admin, headers: { 'Idempotency-Key': randomUUID() } }),
        [200, 409],
        'approve',
      ).status;
      return;
    }
    case 'checkout': {
      expectStatus(await client.call('DELETE', '/cart', { token }), [200], 'DELETE /cart');
      for (const line of lines(SKUS.regular))
        expectStatus(await client.call('POST', '/cart/items', { token, body: line }), [200], 'POST /cart/items');
      // A double (triple) click: one key, three requests at once; all that succeed name one order.
      const key = randomUUID();
      const answers = await Promise.all(
        Array.from({ length: 3 }, () =>
          client.call('POST', '/cart/checkout', {
            token,
            retryConflict: true,
            headers: { 'Idempotency-Key': key },
            body: { paymentToken: 'tok_visa', shippingAddress: ADDRESS },
          }),
        ),
      );
      run.checkoutIds = [
        ...new Set(answers.filter((a) => a.status === 201 || a.status === 202).map((a) => body<{ orderId: string }>(a).orderId)),
      ];
      run.orderId = run.checkoutIds[0];
      if (!run.orderId) throw new Error(`checkout answered ${answers.map((a) => a.status).join(', ')}`);
      await watch(shop, token, run.orderId, settled);
      return;
    }
    case 'delivered': {
      run.orderId = await place(shop, token, lines(SKUS.regular), 'tok_visa');
      const order = await watch(
        shop,
        token,
        run.orderId,
        (o) => Boolean(o.shipment?.shipmentId) || ['CANCELLED', 'FAILED'].includes(o.status),
      );
      const shipmentId = order.shipment?.shipmentId;
      if (!shipmentId) throw new Error(`order ${run.orderId} got no shipment (${order.status})`);
      const event = (type: string) =>
        client.call('POST', `/shipments/${shipmentId}/events`, { token: admin, body: { type, at: new Date().toISOString() } });
      expectStatus(await event('PICKED_UP'), [202], 'PICKED_UP');
      await watch(shop, token, run.orderId, (o) => o.status !== 'CONFIRMED');
      run.cancel = expectStatus(
        await client.call('POST', `/orders/${run.orderId}/cancel`, { token, headers: { 'Idempotency-Key': randomUUID() } }),
        [200, 409],
        'cancel after pickup',
      ).status;
      expectStatus(await event('DELIVERED'), [202], 'DELIVERED');
      return;
    }
  }
}

/** One run per order of the plan, filled in as the workload goes (watch them while it runs). */
export const orderRuns = (plan: Scenario[]): OrderRun[] => plan.map((scenario, index) => ({ index, scenario }));

/** Runs the orders with one client per customer, each taking the next order; `placed` counts the orders begun. */
export async function runWorkload(shop: Shop, runs: OrderRun[], onPlaced: (placed: number) => void): Promise<OrderRun[]> {
  let next = 0;
  await Promise.all(
    shop.customers.map(async (token, customer) => {
      while (next < runs.length) {
        const run = runs[next++]!;
        run.customer = customer;
        onPlaced(next);
        try {
          await runOne(shop, token, run);
        } catch (error) {
          run.error = error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  return runs;
}

const SHIPPED_OR_LATER = ['CONFIRMED', 'SHIPPED', 'DELIVERED'];

/** What each scenario allows its order to end as, checked against the stack's read model. */
export function judge(runs: OrderRun[], orders: Map<string, OrderRecord>): CheckResult {
  const breaches: string[] = [];
  const outcomes = new Map<string, number>();
  for (const run of runs) {
    const order = run.orderId ? orders.get(run.orderId) : undefined;
    const end = order ? `${order.status}${order.cancellationReason ? `/${order.cancellationReason}` : ''}` : 'not placed';
    outcomes.set(`${run.scenario} ${end}`, (outcomes.get(`${run.scenario} ${end}`) ?? 0) + 1);
    const name = `${run.scenario} order ${run.orderId ?? `#${run.index}`}`;
    if (run.error) breaches.push(`${name}: ${run.error}`);
    if (!order) {
      if (!run.error) breaches.push(`${name}: no such order in the orders database`);
      continue;
    }
    const confirmed = SHIPPED_OR_LATER.includes(order.status);
    const cancelledFor = (reason: string) => order.status === 'CANCELLED' && order.cancellationReason === reason;
    const allowed = ((): boolean => {
      switch (run.scenario) {
        case 'ok':
        case 'flaky':
        case 'slow':
          return confirmed;
        case 'declined':
          return cancelledFor('PAYMENT_DECLINED');
        case 'outOfStock':
          return confirmed || cancelledFor('OUT_OF_STOCK');
        case 'cancel':
          return run.cancel === 200 ? cancelledFor('CUSTOMER_CANCELLED') : confirmed;
        case 'approve':
          return run.approval === 200 ? confirmed : cancelledFor('APPROVAL_TIMEOUT');
        case 'approvalTimeout':
          return cancelledFor('APPROVAL_TIMEOUT');
        case 'checkout':
          return confirmed && run.checkoutIds?.length === 1;
        case 'delivered':
          return order.status === 'DELIVERED' && run.cancel === 409;
      }
    })();
    if (!allowed)
      breaches.push(
        `${name}: ended ${end}${run.cancel ? `, cancel answered ${run.cancel}` : ''}${run.approval ? `, approval answered ${run.approval}` : ''}${run.checkoutIds && run.checkoutIds.length > 1 ? `, one checkout made ${run.checkoutIds.length} orders` : ''}`,
      );
  }
  const bySc = SCENARIOS.map((s) => [s, [...outcomes.entries()].filter(([k]) => k.startsWith(`${s} `))] as const).filter(
    ([, e]) => e.length > 0,
  );
  return {
    name: 'workload',
    checked: `${runs.length} orders`,
    figures: bySc.map(([s, entries]) => `${s}: ${entries.map(([k, n]) => `${k.slice(s.length + 1)} ${n}`).join(', ')}`),
    breaches,
  };
}
