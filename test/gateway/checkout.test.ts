// Checking out a cart on the running system (issue 12, findings 2 and 3):
// - many concurrent checkouts of one cart, each with its own Idempotency-Key,
//   place one order: the others get 409 (or that same order), never a second order;
// - items added to the cart while a checkout runs stay in it: only what was
//   ordered leaves the cart, and only once, also when the checkout is retried.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../shared/redis.js';
import { startSystem, type RunningSystem } from '../../scripts/stack/system.js';
import { ADDRESS, Api, expectProblem, type Answer } from '../support/api.js';
import { stack } from '../support/stack.js';
import { isolatedSystemOptions } from '../support/system.js';

const CONCURRENT = 20;
const details = { paymentToken: 'tok_visa', shippingAddress: ADDRESS };

let system: RunningSystem;
let prefix: string;
let api: Api;

beforeAll(async () => {
  const options = await isolatedSystemOptions('checkout', {
    env: { SEED_DEMO: 'true', RATE_LIMIT_PER_USER: '100000', RATE_LIMIT_PER_IP: '100000' },
  });
  prefix = options.prefix;
  system = await startSystem(options);
  api = new Api(`${system.gatewayUrl}/api/v1`);
}, 240_000);
afterAll(async () => {
  await system?.stop();
});

const checkout = (token: string, key = randomUUID()) =>
  api.request('POST', '/cart/checkout', { token, body: details, headers: { 'Idempotency-Key': key } });
const add = (token: string, sku: string, quantity = 1) => api.request('POST', '/cart/items', { token, body: { sku, quantity } });
const cartOf = async (token: string) =>
  (await api.request('GET', '/cart', { token })).body.items as Array<{ sku: string; quantity: number }>;

/** The order's lines once its read model has them (polling is a wait, not a timing assertion). */
async function orderedLines(token: string, orderId: string): Promise<Array<{ sku: string; quantity: number }>> {
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    const res = await api.request('GET', `/orders/${orderId}`, { token });
    if (res.status === 200 && res.body.items.length)
      return res.body.items.map(({ sku, quantity }: { sku: string; quantity: number }) => ({ sku, quantity }));
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`order ${orderId} has no lines`);
}

const totals = (lines: Array<{ sku: string; quantity: number }>) => {
  const out: Record<string, number> = {};
  for (const { sku, quantity } of lines) out[sku] = (out[sku] ?? 0) + quantity;
  return out;
};

describe('one cart, many checkouts', () => {
  it(`${CONCURRENT} concurrent checkouts with different keys place one order; the others get 409 or that order`, async () => {
    for (let round = 0; round < 3; round++) {
      const ada = await api.account(`ada${round}`);
      expect((await add(ada.token, 'MUG-SAGA', 2)).status).toBe(200);
      const answers = await Promise.all(Array.from({ length: CONCURRENT }, () => checkout(ada.token)));
      const accepted = answers.filter((a) => a.status === 202);
      expect(accepted.length, `round ${round}: ${answers.map((a) => a.status).join(',')}`).toBeGreaterThanOrEqual(1);
      const orderIds = new Set(accepted.map((a) => a.body.orderId as string));
      expect(orderIds.size, `round ${round}`).toBe(1);
      for (const refused of answers.filter((a) => a.status !== 202)) expectProblem(refused, 409);
      const [orderId] = [...orderIds];
      // every order the customer has is that one (the read model lags the start a little)
      expect(await orderedLines(ada.token, orderId!)).toEqual([{ sku: 'MUG-SAGA', quantity: 2 }]);
      await new Promise((r) => setTimeout(r, 1_000));
      const mine = (await api.request('GET', '/orders?limit=100', { token: ada.token })).body.items.map(
        (o: { orderId: string }) => o.orderId,
      );
      expect(mine, `round ${round}`).toEqual([orderId]);
      expect(await cartOf(ada.token)).toEqual([]);
    }
  });

  it('items added while a checkout runs stay in the cart; what was ordered leaves it, once', async () => {
    const bob = await api.account('bob');
    for (let round = 0; round < 10; round++) {
      expect((await add(bob.token, 'MUG-SAGA')).status).toBe(200);
      const added: Array<{ sku: string; quantity: number }> = [{ sku: 'MUG-SAGA', quantity: 1 }];
      // adds spread over the checkout's run: some land before it takes the cart, some after
      const adds = Array.from(
        { length: 6 },
        (_, i) => new Promise<Answer>((resolve) => setTimeout(() => resolve(add(bob.token, i % 2 ? 'STICKERS-5' : 'MUG-SAGA')), i * 15)),
      );
      const [placed, ...addAnswers] = await Promise.all([checkout(bob.token), ...adds]);
      addAnswers.forEach((a, i) => {
        expect(a.status).toBe(200);
        added.push({ sku: i % 2 ? 'STICKERS-5' : 'MUG-SAGA', quantity: 1 });
      });
      expect(placed!.status, JSON.stringify(placed!.body)).toBe(202);
      const ordered = await orderedLines(bob.token, placed!.body.orderId);
      const left = await cartOf(bob.token);
      // nothing lost, nothing twice: what was ordered plus what is left is what was added
      const sum = totals([...ordered, ...left]);
      expect(sum, `round ${round}: ordered ${JSON.stringify(ordered)}, left ${JSON.stringify(left)}`).toEqual(totals(added));
      expect((await api.request('DELETE', '/cart', { token: bob.token })).status).toBe(200);
    }
  });

  it('a retried checkout whose stored answer is gone is the same order and takes nothing from the cart again', async () => {
    const cy = await api.account('cy');
    const raw = connectRedis(stack().redisUrl);
    const forget = async () => {
      const keys = await raw.keys(`${prefix}:idem:*${cy.id}*`);
      if (keys.length) await raw.del(...keys);
      return keys.length;
    };
    try {
      await add(cy.token, 'STICKERS-5', 2);
      const key = randomUUID();
      const first = await checkout(cy.token, key);
      expect(first.status).toBe(202);
      await add(cy.token, 'STICKERS-5', 3);
      expect(await forget()).toBeGreaterThan(0);
      const retry = await checkout(cy.token, key);
      expect(retry.status).toBe(202);
      expect(retry.body.orderId).toBe(first.body.orderId);
      expect(await cartOf(cy.token)).toEqual([{ sku: 'STICKERS-5', quantity: 3 }]);
      expect(await orderedLines(cy.token, first.body.orderId)).toEqual([{ sku: 'STICKERS-5', quantity: 2 }]);
    } finally {
      await raw.quit();
    }
  });
});
