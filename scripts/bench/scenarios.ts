// What the benchmark measures, each as one operation: the order saga through the
// gateway (POST /orders to CONFIRMED, answered by `Prefer: wait` or found by
// polling), and the engine floor started straight on Temporal: a workflow of 12
// no-op activities over the saga's task queues (B2), and of 12 local ones (B3).
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { FLOOR_QUEUES, FLOOR_WORKFLOW_QUEUE } from './floor-queues.js';
import type { Operation } from './load.js';
import { orderSagaWorkflow } from '../../services/orders/temporal/contract.js';

export const FLOOR_STEPS = 12;

export interface Shop {
  api: string;
  token: string;
  skus: readonly string[];
  pollMs: number;
}

const address = { name: 'Bench', line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' };

async function place(
  shop: Shop,
  i: number,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: { orderId: string; status: string } }> {
  const res = await fetch(`${shop.api}/orders`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${shop.token}`, 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID(), ...headers },
    body: JSON.stringify({
      items: [{ sku: shop.skus[i % shop.skus.length], quantity: 1 }],
      paymentToken: 'tok_visa',
      shippingAddress: address,
    }),
  });
  const body = (await res.json()) as { orderId: string; status: string };
  if (res.status !== 201 && res.status !== 202) throw new Error(`POST /orders answered ${res.status}: ${JSON.stringify(body)}`);
  return { status: res.status, body };
}

const expectConfirmed = (orderId: string, status: string) => {
  if (status !== 'CONFIRMED') throw new Error(`order ${orderId} ended ${status}`);
};

/** POST /orders with `Prefer: wait=30`: one request, answered when the order is CONFIRMED. */
export const sagaWaiting =
  (shop: Shop): Operation =>
  async (i) => {
    const { status, body } = await place(shop, i, { Prefer: 'wait=30' });
    if (status !== 201) throw new Error(`order ${body.orderId} did not settle within 30 s`);
    expectConfirmed(body.orderId, body.status);
  };

/** POST /orders, then GET it every `pollMs` until it has settled. */
export const sagaPolling =
  (shop: Shop): Operation =>
  async (i) => {
    const { body } = await place(shop, i);
    for (;;) {
      await new Promise((r) => setTimeout(r, shop.pollMs));
      const res = await fetch(`${shop.api}/orders/${body.orderId}`, { headers: { Authorization: `Bearer ${shop.token}` } });
      // An overloaded answer is a figure, not a failure; a 404 is an order not visible yet: look again.
      if (res.status >= 500 || res.status === 404) {
        await res.body?.cancel();
        continue;
      }
      const order = (await res.json()) as { status: string };
      if (order.status !== 'PENDING') return expectConfirmed(body.orderId, order.status);
    }
  };

/**
 * B2 (remote activities) or B3 (local ones): started and awaited straight on Temporal, on the
 * saga's worker, or with `plain` on the plain floor worker's twin queues (./floor-worker.ts).
 */
export const engineFloor =
  (temporal: Client, type: 'engineFloor' | 'engineFloorLocal', plain = false): Operation =>
  async () => {
    await temporal.workflow.execute(type, {
      taskQueue: plain ? FLOOR_WORKFLOW_QUEUE : orderSagaWorkflow.taskQueue,
      workflowId: `bench-${type}-${randomUUID()}`,
      args: plain && type === 'engineFloor' ? [FLOOR_STEPS, FLOOR_QUEUES] : [FLOOR_STEPS],
    });
  };
