// Tens of copies of one POST /orders (same caller, same Idempotency-Key, same
// body) sent at once must make at most one order, and the test counts it where
// it would show if they did not: the placing answers, the sagas Temporal lists
// for the customer (by the CustomerId search attribute, so a saga under another
// id counts too) and the customer's orders in the read model. The order id being
// derived from (caller, key) is how the gateway achieves this; the counts do not
// assume it. Used with Redis up (test/gateway/api.test.ts) and down
// (test/gateway/redis-down.test.ts), where the idempotency store is skipped.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { expect } from 'vitest';
import { CustomerIdKey } from '../../services/orders/temporal/search-attributes.js';
import { expectProblem, resentUntilAnswered, type Answer } from './api.js';
import { OrderIdBody, bodyAs } from './bodies.js';
import { orderSagaWorkflow } from '../../services/orders/temporal/contract.js';

/** Copies sent at once: enough for the race to be real on a 2-core machine. */
export const COPIES = 24;

export interface DuplicateRun {
  /** Sends one copy of the request (the same key and body every time). */
  place(key: string): Promise<Answer>;
  /** The customer's orders in the read model (GET /orders). */
  readModel(): Promise<Array<{ orderId: string }>>;
  temporal: Client;
  customerId: string;
}

/** The ids of every saga Temporal lists for the customer. */
async function sagasOf(temporal: Client, customerId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const run of temporal.workflow.list({ query: `${CustomerIdKey.name} = "${customerId}"` })) ids.push(run.workflowId);
  return ids;
}

/**
 * Both counts, once two readings a second apart agree (the visibility store and the
 * read model catch up a moment after the saga starts); `expected` is what the first
 * reading must reach before agreement counts, so an empty store read too early does not pass.
 */
async function settledCounts(run: DuplicateRun, expected: number, timeoutMs = 60_000): Promise<{ sagas: string[]; orders: string[] }> {
  const deadline = Date.now() + timeoutMs;
  const read = async () => ({
    sagas: (await sagasOf(run.temporal, run.customerId)).sort(),
    orders: (await run.readModel()).map((o) => o.orderId).sort(),
  });
  let last = await read();
  for (;;) {
    await new Promise((r) => setTimeout(r, 1_000));
    const next = await read();
    const reached = next.sagas.length >= expected && next.orders.length >= expected;
    if (reached && JSON.stringify(next) === JSON.stringify(last)) return next;
    if (Date.now() > deadline) return next;
    last = next;
  }
}

/**
 * Fires COPIES copies of one order at once and checks that they made exactly one
 * order (every 202 names it, the others are 409 "still in flight" problems), or,
 * when `unavailable` is allowed, that every copy was a clear 503 problem and no order exists.
 */
export async function expectOneOrderPerKey(run: DuplicateRun, { unavailable = false } = {}): Promise<void> {
  const key = randomUUID();
  // A copy answered 504 (its outcome unknown within the budget, on a loaded machine) is resent, as a client does.
  const answers = await Promise.all(Array.from({ length: COPIES }, () => resentUntilAnswered(() => run.place(key))));
  expect(answers, 'every copy answered').toHaveLength(COPIES);
  const accepted = answers.filter((a) => a.status === 202);
  const statuses = answers.map((a) => a.status).join(' ');
  for (const a of answers.filter((x) => x.status !== 202)) {
    expect([409, ...(unavailable ? [503] : [])], `answers: ${statuses}`).toContain(a.status);
    expectProblem(a, a.status);
  }
  if (accepted.length === 0) {
    expect(unavailable, `no copy was accepted: ${statuses}`).toBe(true);
    expect(
      answers.every((a) => a.status === 503),
      `no copy accepted, yet not all 503: ${statuses}`,
    ).toBe(true);
    const { sagas, orders } = await settledCounts(run, 0);
    expect({ sagas, orders }, 'a clear 503 leaves no order').toEqual({ sagas: [], orders: [] });
    return;
  }
  const orderIds = new Set(accepted.map((a) => bodyAs(a, OrderIdBody).orderId));
  expect(orderIds.size, `the 202s name one order: ${[...orderIds].join(' ')}`).toBe(1);
  const [orderId] = orderIds;
  const { sagas, orders } = await settledCounts(run, 1);
  expect(sagas, 'sagas Temporal lists for the customer').toEqual([orderSagaWorkflow.id(orderId!)]);
  expect(orders, "orders in the customer's read model").toEqual([orderId]);
}
