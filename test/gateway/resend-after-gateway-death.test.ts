// Issue 17, "answers that survive the gateway", with the gateway killed for real.
// Each request (place an order, check out a cart, an admin's approval, a
// customer's cancel) goes through a proxy that passes it on and keeps the
// gateway's answer from the client (test/support/mute-proxy.ts). Once the gateway
// has answered and the saga shows the effect, the gateway is SIGKILLed, its
// supervisor starts it again, and the client resends the request with the same
// Idempotency-Key: 20 resends at once, each must get the answer the client never
// got (same status, same body), as must one more once every order is at rest
// (the cancelled saga's run completed), and the audit must find exactly one order, one
// charge and one reservation per request. The Redis idempotency record of an
// order-placing request is kept (the gateway stored the answer before it died),
// lost (deleted: the answer was never stored) or still pending (in flight: the
// gateway died before storing it) at the resend.
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../gateway/idempotency/middleware.js';
import { IdempotencyStore } from '../../gateway/idempotency/store.js';
import { orderIdFor } from '../../gateway/orders/placement.js';
import { CheckoutBody, PlaceOrderBody } from '../../gateway/schemas.js';
import { runChecks } from '../../scripts/audit/checks.js';
import { takeSnapshot, type StackAddress } from '../../scripts/audit/snapshot.js';
import { drain } from '../../scripts/chaos/drain.js';
import { waitFor } from '../../scripts/stack/processes.js';
import { startSystem, type RunningSystem } from '../../scripts/stack/system.js';
import { DEMO_ADMIN } from '../../shared/demo-data.js';
import { createLogger } from '../../shared/logger.js';
import { connectRedis, type Redis } from '../../shared/redis.js';
import { ADDRESS, Api, type Answer } from '../support/api.js';
import { ItemsBody, OrderIdBody, StatusBody, bodyAs } from '../support/bodies.js';
import { MuteProxy, type CapturedAnswer } from '../support/mute-proxy.js';
import { expectReady } from '../support/readiness.js';
import { stack } from '../support/stack.js';
import { UNLIMITED_REQUESTS, isolatedSystemOptions, temporalClientOf } from '../support/system.js';
import { orderSagaWorkflow } from '../../services/orders/temporal/contract.js';

/** Resends of each request fired at once after the restart. */
const RESENDS = 20;
/** Generous: a loaded 2-core machine runs several systems at once. */
const WITHIN_MS = 90_000;

/** What became of the Redis idempotency record of an order-placing request when the gateway died. */
type RecordFate = 'kept' | 'lost' | 'pending';

interface Case {
  name: string;
  token: string;
  path: string;
  body?: unknown;
  key: string;
  orderId: string;
  /** The saga shows what the request did. */
  effect: () => Promise<boolean>;
  /** An order-placing request: its idempotency scope, body fingerprint and the record's fate. */
  record?: { scope: string; fingerprint: string; fate: RecordFate };
  /** Filled in: what the gateway answered the first time (the client never got it). */
  first?: CapturedAnswer;
}

let system: RunningSystem;
let api: Api;
let temporal: Client;
let redis: Redis;
let keys: IdempotencyStore;
let proxy: MuteProxy;
let address: StackAddress;
let admin: string;

beforeAll(async () => {
  // Above 10.00 an order waits for an admin: the mug does, two sticker packs (9.98) do not.
  const options = await isolatedSystemOptions('resend', {
    env: {
      SEED_DEMO: 'true',
      APPROVAL_THRESHOLD_CENTS: '1000',
      DOWNSTREAM_TIMEOUT_MS: '30000',
      ...UNLIMITED_REQUESTS,
    },
  });
  system = await startSystem(options);
  api = new Api(`${system.gatewayUrl}/api/v1`);
  temporal = await temporalClientOf(options);
  redis = connectRedis(stack().redisUrl, `${options.prefix}:`);
  keys = new IdempotencyStore(redis, 86_400, createLogger('test', 'silent'));
  proxy = await MuteProxy.start(system.gatewayUrl);
  address = {
    mongoUrl: options.mongoUrl,
    prefix: options.prefix,
    temporal: { connection: { address: options.temporalAddress }, namespace: options.temporalNamespace },
  };
  admin = await api.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
}, 240_000);
afterAll(async () => {
  await proxy?.close();
  await redis?.quit();
  await temporal?.connection.close();
  await system?.stop();
});

const post = (base: Api, c: Case) => base.request('POST', c.path, { token: c.token, body: c.body, headers: { 'Idempotency-Key': c.key } });

const sagaExists = (orderId: string) => async () => {
  try {
    await temporal.workflow.getHandle(orderSagaWorkflow.id(orderId)).describe();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
};

const orderStatus = async (token: string, orderId: string): Promise<string | undefined> => {
  const read = StatusBody.safeParse((await api.request('GET', `/orders/${orderId}`, { token })).body);
  return read.success && typeof read.data.status === 'string' ? read.data.status : undefined;
};

async function orderUntil(token: string, orderId: string, statuses: string[]): Promise<void> {
  await waitFor(
    `order ${orderId} ${statuses.join(' or ')}`,
    async () => statuses.includes((await orderStatus(token, orderId)) ?? ''),
    WITHIN_MS,
  );
}

/** Places an order straight through the gateway (the state a decision needs), with `Prefer: wait`. */
async function placed(token: string, sku: string, until: string): Promise<string> {
  const answer = await api.placeOrder(token, [{ sku, quantity: 1 }], { headers: { Prefer: 'wait=30' } });
  expect([201, 202], JSON.stringify(answer.body)).toContain(answer.status);
  const orderId = bodyAs(answer, OrderIdBody).orderId;
  await orderUntil(token, orderId, [until]);
  return orderId;
}

const details = { paymentToken: 'tok_visa', shippingAddress: ADDRESS };

async function placeCase(fate: RecordFate): Promise<Case> {
  const customer = await api.account(`place-${fate}`);
  const key = randomUUID();
  const body = { items: [{ sku: 'STICKERS-5', quantity: 2 }], ...details };
  const orderId = orderIdFor(customer.id, key);
  return {
    name: `place an order (record ${fate})`,
    token: customer.token,
    path: '/orders',
    body,
    key,
    orderId,
    effect: sagaExists(orderId),
    record: { scope: `${customer.id}:/api/v1/orders`, fingerprint: fingerprint(PlaceOrderBody.parse(body)), fate },
  };
}

async function checkoutCase(fate: RecordFate): Promise<Case> {
  const customer = await api.account(`checkout-${fate}`);
  expect((await api.request('POST', '/cart/items', { token: customer.token, body: { sku: 'STICKERS-5', quantity: 2 } })).status).toBe(200);
  const key = randomUUID();
  const orderId = orderIdFor(customer.id, key);
  const cartEmpty = async () => bodyAs(await api.request('GET', '/cart', { token: customer.token }), ItemsBody).items.length === 0;
  return {
    name: `check out a cart (record ${fate})`,
    token: customer.token,
    path: '/cart/checkout',
    body: details,
    key,
    orderId,
    effect: async () => (await sagaExists(orderId)()) && (await cartEmpty()),
    record: { scope: `${customer.id}:/api/v1/cart/checkout`, fingerprint: fingerprint(CheckoutBody.parse(details)), fate },
  };
}

async function approveCase(): Promise<Case> {
  const customer = await api.account('approve');
  const orderId = await placed(customer.token, 'MUG-SAGA', 'AWAITING_APPROVAL');
  return {
    name: 'approve an order',
    token: admin,
    path: `/orders/${orderId}/approve`,
    key: randomUUID(),
    orderId,
    effect: async () => (await orderStatus(customer.token, orderId)) === 'CONFIRMED',
  };
}

async function cancelCase(): Promise<Case> {
  const customer = await api.account('cancel');
  const orderId = await placed(customer.token, 'STICKERS-5', 'CONFIRMED');
  return {
    name: 'cancel an order',
    token: customer.token,
    path: `/orders/${orderId}/cancel`,
    key: randomUUID(),
    orderId,
    effect: async () => ['CANCELLING', 'CANCELLED'].includes((await orderStatus(customer.token, orderId)) ?? ''),
  };
}

/** Sends the request through the proxy; resolves with the answer the gateway wrote, once the saga shows the effect. */
async function sendMuted(c: Case): Promise<void> {
  const connection = proxy.connections;
  // Never answered: it fails once the gateway dies and the proxy drops the connection.
  void post(new Api(`${proxy.url}/api/v1`), c).catch(() => undefined);
  await waitFor(`${c.name}: a connection through the proxy`, () => Promise.resolve(proxy.connections > connection), WITHIN_MS);
  c.first = await proxy.answer(connection, WITHIN_MS);
  await waitFor(`${c.name}: the saga shows the effect`, c.effect, WITHIN_MS);
}

/** SIGKILLs the gateway's process; resolves once its supervisor has started it again and it is ready. */
async function killGateway(): Promise<void> {
  const gateway = system.processes.find((p) => p.name === 'gateway')!;
  const { pid } = gateway.child;
  const restarts = gateway.restarts;
  process.kill(pid!, 'SIGKILL');
  await waitFor('the gateway restarted', () => Promise.resolve(gateway.restarts > restarts && gateway.child.pid !== pid), WITHIN_MS);
  await expectReady(system.gatewayUrl, WITHIN_MS);
}

/** What became of the record when the gateway died: kept as stored, deleted, or back in flight. */
async function applyFate({ scope, fingerprint: print, fate }: NonNullable<Case['record']>, key: string): Promise<void> {
  // The gateway stored the answer before it wrote it (the middleware completes first).
  expect((await keys.begin(scope, key, print)).kind).toBe('replay');
  if (fate === 'kept') return;
  // Lost with Redis: gone whoever set it (abandon would release only a marker of its own owner).
  await redis.del(IdempotencyStore.redisKey(scope, key));
  if (fate === 'pending') expect((await keys.begin(scope, key, print)).kind).toBe('new');
}

const sameAnswer = (resent: Answer, first: CapturedAnswer) => ({
  status: resent.status,
  body: resent.body as unknown,
  first: { status: first.status, body: JSON.parse(first.body) as unknown },
});

describe('a resend after the gateway died between the answer and the client', () => {
  it(`gets the first answer, ${RESENDS} resends at once, for a placement, a checkout, an approval and a cancel; one order, charge and reservation each`, async () => {
    const cases = [
      ...(await Promise.all((['kept', 'lost', 'pending'] as const).flatMap((fate) => [placeCase(fate), checkoutCase(fate)]))),
      await approveCase(),
      await cancelCase(),
    ];
    for (const c of cases) await sendMuted(c);
    for (const c of cases) expect(c.first!.status, `${c.name}: ${c.first!.body}`).toBeLessThan(300);

    await killGateway();
    for (const c of cases) if (c.record) await applyFate(c.record, c.key);

    for (const c of cases) {
      const resends = await Promise.all(Array.from({ length: RESENDS }, () => post(api, c)));
      for (const resent of resends) {
        const { status, body, first } = sameAnswer(resent, c.first!);
        expect({ status, body }, c.name).toEqual(first);
      }
    }

    // The books: every order came to rest, the audit is clean, and each request made exactly one of each.
    const drained = await drain(address, WITHIN_MS, () => undefined);
    expect(drained.moving, 'still moving after the drain').toEqual([]);
    // At rest (the cancelled saga's run has completed): a resend still gets the first answer.
    for (const c of cases) {
      const { status, body, first } = sameAnswer(await post(api, c), c.first!);
      expect({ status, body }, `${c.name}, at rest`).toEqual(first);
    }
    const snapshot = await takeSnapshot(address);
    const breaches = runChecks(snapshot, { pendingGraceMs: Infinity }).flatMap((r) => r.breaches);
    expect(breaches).toEqual([]);
    const expected = cases.map((c) => c.orderId).sort();
    expect(snapshot.orders.map((o) => o.orderId).sort()).toEqual(expected);
    expect([...snapshot.workflows.keys()].sort()).toEqual(expected);
    for (const c of cases) {
      const entries = snapshot.ledger.filter((e) => e.orderId === c.orderId);
      const cancelled = c.name === 'cancel an order';
      expect(
        entries.filter((e) => e.type === 'charge'),
        `${c.name}: charges`,
      ).toHaveLength(1);
      expect(
        entries.filter((e) => e.type === 'refund'),
        `${c.name}: refunds`,
      ).toHaveLength(cancelled ? 1 : 0);
      const order = snapshot.orders.find((o) => o.orderId === c.orderId)!;
      expect(order.status, c.name).toBe(cancelled ? 'CANCELLED' : 'CONFIRMED');
      const reservations = snapshot.reservations.filter((r) => r.orderId === c.orderId);
      expect(reservations, `${c.name}: reservations`).toHaveLength(1);
      expect(
        reservations[0]!.lines.map(({ sku, quantity }) => ({ sku, quantity })),
        c.name,
      ).toEqual(order.items);
    }
  }, 300_000);
});
