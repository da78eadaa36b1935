// The one way an order is placed over HTTP, for POST /orders and the cart's
// checkout alike: the route (Idempotency-Key, `Prefer: wait`, the same answers),
// the order id from (caller, key), and the answer: 202 with where to look, or,
// with `Prefer: wait=N` and a saga that settled in time, 201 with the order as
// GET shows it (RFC 7240). A replay of the request (same Idempotency-Key, same
// body) that asks to wait waits too. What differs is only where the lines come
// from: the body (`OrderPlacement.place`) or the cart (`../orders/checkout.ts`).
import { createRoute, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Caller } from '../../shared/auth/caller.js';
import { authorize } from '../../shared/http/authorize.js';
import type { GatewayDeps, GatewayEnv } from '../context.js';
import { idempotency, type IdempotencyEnv } from '../idempotency/middleware.js';
import type { IdempotencyStore, StoredAnswer } from '../idempotency/store.js';
import { orderIdFor, type OrderPlacement, type Placed, type PlacingRequest } from '../orders/placement.js';
import { loadOrder, orderView } from '../orders/view.js';
import { preferredWait, type Settlement } from '../orders/wait.js';
import { IdempotencyHeader, OrderAccepted, OrderView, PreferHeader } from '../schemas.js';
import { ANY, BODY, DOWNSTREAM, body, json, problems, signedIn } from './responses.js';

/** OpenAPI links: where the orderId of a placing answer leads (clients and the fuzzer follow them). */
const byOrderId = (operationId: string) => ({ operationId, parameters: { orderId: '$response.body#/orderId' } });
const ORDER_LINKS = {
  GetOrder: byOrderId('getOrder'),
  GetOrderEvents: byOrderId('getOrderEvents'),
  CancelOrder: byOrderId('cancelOrder'),
  ApproveOrder: byOrderId('approveOrder'),
};

const acceptedAnswer = (orderId: string) => ({ orderId, status: 'PENDING' as const, links: { self: `/api/v1/orders/${orderId}` } });

type PlacedAnswer =
  | { status: 201; view: OrderView; headers: Record<string, string> }
  | { status: 202; accepted: ReturnType<typeof acceptedAnswer>; headers: Record<string, string> };

async function placedAnswer(
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
function replayWaiting(deps: GatewayDeps, placement: OrderPlacement) {
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

export interface PlacingRoute<B extends z.ZodType> {
  operationId: string;
  path: string;
  tags: string[];
  summary: string;
  /** The request body: the whole order, or (checkout) what the cart does not hold. */
  body: B;
}

/** The OpenAPI route of a request that places an order: its caller check, its Idempotency-Key, its answers. */
export function placingRoute<B extends z.ZodType>(
  spec: PlacingRoute<B>,
  deps: GatewayDeps,
  placement: OrderPlacement,
  keys: IdempotencyStore,
) {
  return createRoute({
    method: 'post',
    operationId: spec.operationId,
    path: spec.path,
    tags: spec.tags,
    summary: spec.summary,
    ...signedIn,
    middleware: [
      authorize(),
      idempotency({ store: keys, body: spec.body, onReplay: replayWaiting(deps, placement), rerunInFlight: true }),
    ] as const,
    request: { headers: IdempotencyHeader.extend(PreferHeader.shape), ...body(spec.body) },
    responses: {
      201: { ...json(OrderView, 'with `Prefer: wait=N`: the saga settled in time; the order as GET shows it'), links: ORDER_LINKS },
      202: { ...json(OrderAccepted, 'accepted; poll links.self, or ask with `Prefer: wait=N`'), links: ORDER_LINKS },
      ...problems(...BODY, ...ANY, 409, 422, ...DOWNSTREAM),
    },
  });
}

/**
 * Places the order of this request (`place`: the route's own way to get its lines), keeps
 * the accepted answer under the Idempotency-Key, and answers 201 or 202.
 */
export async function answerPlacing(
  c: Context<IdempotencyEnv & { Variables: Pick<GatewayEnv['Variables'], 'contact'> }>,
  deps: GatewayDeps,
  place: (request: PlacingRequest) => Promise<Placed>,
) {
  const { caller, contact, requestId, idempotency: request } = c.var;
  const waitSeconds = preferredWait(c.req.header('Prefer'));
  const orderId = orderIdFor(caller.userId, request.key);
  const placing = { orderId, customerId: caller.userId, fingerprint: request.fingerprint, requestId, waitSeconds };
  const placed = await place({ ...placing, ...(contact ? { contact } : {}) });
  request.remember({ status: 202, body: acceptedAnswer(orderId) });
  const answer = await placedAnswer(deps, caller, requestId, orderId, placed, waitSeconds);
  for (const [name, value] of Object.entries(answer.headers)) c.header(name, value);
  return answer.status === 201 ? c.json(answer.view, 201) : c.json(answer.accepted, 202);
}
