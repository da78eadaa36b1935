// What a request that placed an order answers (POST /orders and the checkout):
// 202 with where to look, or, with `Prefer: wait=N` and a saga that settled in
// time, 201 with the order as GET shows it (RFC 7240). A replay of the request
// (same Idempotency-Key, same body) that asks to wait waits too.
import type { Context } from 'hono';
import type { Caller } from '../../shared/auth/caller.js';
import type { GatewayDeps } from '../context.js';
import type { IdempotencyEnv } from '../idempotency/middleware.js';
import type { StoredAnswer } from '../idempotency/store.js';
import type { OrderPlacement } from '../orders/placement.js';
import { loadOrder, orderView } from '../orders/view.js';
import { preferredWait, type Settlement } from '../orders/wait.js';
import { OrderAccepted, type OrderView } from '../schemas.js';

/** OpenAPI links: where the orderId of a placing answer leads (clients and the fuzzer follow them). */
const byOrderId = (operationId: string) => ({ operationId, parameters: { orderId: '$response.body#/orderId' } });
export const ORDER_LINKS = {
  GetOrder: byOrderId('getOrder'),
  GetOrderEvents: byOrderId('getOrderEvents'),
  CancelOrder: byOrderId('cancelOrder'),
  ApproveOrder: byOrderId('approveOrder'),
};

export const acceptedAnswer = (orderId: string) => ({ orderId, status: 'PENDING' as const, links: { self: `/api/v1/orders/${orderId}` } });

export type PlacedAnswer =
  | { status: 201; view: OrderView; headers: Record<string, string> }
  | { status: 202; accepted: ReturnType<typeof acceptedAnswer>; headers: Record<string, string> };

export async function placedAnswer(
  deps: GatewayDeps,
  caller: Caller,
  requestId: string,
  orderId: string,
  { settled, state }: Settlement,
  waitSeconds?: number,
): Promise<PlacedAnswer> {
  const accepted = acceptedAnswer(orderId);
  const headers: Record<string, string> = { Location: accepted.links.self };
  if (!settled || !waitSeconds) return { status: 202, accepted, headers };
  // The saga's own answer to the wait is its live state: no query needed for the view.
  const view = orderView(orderId, await loadOrder(deps, caller, orderId, requestId, state));
  return { status: 201, view, headers: { ...headers, 'Preference-Applied': `wait=${waitSeconds}` } };
}

/** For the idempotency middleware: a replay with `Prefer: wait=N` waits for the order it placed. */
export function replayWaiting(deps: GatewayDeps, placement: OrderPlacement) {
  return async (c: Context<IdempotencyEnv>, answer: StoredAnswer): Promise<Response | undefined> => {
    const wait = preferredWait(c.req.header('Prefer'));
    const accepted = OrderAccepted.safeParse(answer.body);
    if (!wait || !accepted.success) return undefined;
    const settlement = await placement.waitUntilSettled(accepted.data.orderId, wait);
    if (!settlement.settled) return undefined;
    const placed = await placedAnswer(deps, c.var.caller, c.var.requestId, accepted.data.orderId, settlement, wait);
    for (const [name, value] of Object.entries(placed.headers)) c.header(name, value);
    return placed.status === 201 ? c.json(placed.view, 201) : c.json(placed.accepted, 202);
  };
}
