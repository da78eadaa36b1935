// Orders: placing one starts its saga; reading one combines the read model with
// the saga's live state; cancel and approve are workflow updates whose answer
// becomes the HTTP status (200 accepted, 409 refused with the order's status).
import { createRoute } from '@hono/zod-openapi';
import { parseResponse } from 'hono/client';
import { authorize } from '../../shared/http/authorize.js';
import { OrderIdParam } from '../../shared/http/path-params.js';
import { HttpProblem } from '../../shared/problem.js';
import { approveOrderUpdate, cancelOrderUpdate, orderSagaWorkflow } from '../../services/orders/temporal/contract.js';
import type { GatewayApp, GatewayDeps } from '../context.js';
import type { IdempotencyStore } from '../idempotency/store.js';
import { decide, decisionUpdateId } from '../orders/decision.js';
import { type OrderPlacement } from '../orders/placement.js';
import { eventForCaller } from '../orders/events-view.js';
import { orderSummary } from '../orders/summary.js';
import { loadOrder, orderView } from '../orders/view.js';
import { CANCEL_SETTLED_UPDATE_ID, preferredWait, waitUntilSettled } from '../orders/wait.js';
import {
  DecisionKeyHeader,
  ListQuery,
  OrderEvents,
  OrderPage,
  OrderStatusAnswer,
  OrderView,
  PlaceOrderBody,
  PreferHeader,
} from '../schemas.js';
import { callAs } from './context.js';
import { answerPlacing, placingRoute } from './placing.js';
import { ANY, DOWNSTREAM, json, problems, signedIn } from './responses.js';

const customer = { ...signedIn, middleware: authorize() };

const listOrders = createRoute({
  operationId: 'listOrders',
  method: 'get',
  path: '/api/v1/orders',
  tags: ['orders'],
  summary: "The caller's orders, newest first",
  ...customer,
  request: { query: ListQuery },
  responses: { 200: json(OrderPage, 'a page of orders'), ...problems(400, ...ANY, ...DOWNSTREAM) },
});
const getOrder = createRoute({
  operationId: 'getOrder',
  method: 'get',
  path: '/api/v1/orders/{orderId}',
  tags: ['orders'],
  ...customer,
  request: { params: OrderIdParam, headers: PreferHeader },
  responses: {
    200: json(OrderView, 'the order with its live saga state (with `Prefer: wait=N`, once it is no longer PENDING or N seconds passed)'),
    ...problems(400, ...ANY, 404, ...DOWNSTREAM),
  },
});
const getEvents = createRoute({
  method: 'get',
  operationId: 'getOrderEvents',
  path: '/api/v1/orders/{orderId}/events',
  tags: ['orders'],
  summary: "The order's event log",
  ...customer,
  request: { params: OrderIdParam },
  responses: { 200: json(OrderEvents, 'events in order'), ...problems(400, ...ANY, 404, ...DOWNSTREAM) },
});
const cancelOrder = createRoute({
  method: 'post',
  operationId: 'cancelOrder',
  path: '/api/v1/orders/{orderId}/cancel',
  tags: ['orders'],
  summary: 'Cancel until the parcel is picked up',
  ...customer,
  request: { params: OrderIdParam, headers: DecisionKeyHeader.extend(PreferHeader.shape) },
  responses: {
    200: json(
      OrderStatusAnswer,
      'cancellation accepted: `CANCELLING` while its compensations run (with `Prefer: wait=N`, `CANCELLED` once they are done within N seconds)',
    ),
    ...problems(400, ...ANY, 404, 409, ...DOWNSTREAM),
  },
});
const approveOrder = createRoute({
  method: 'post',
  operationId: 'approveOrder',
  path: '/api/v1/orders/{orderId}/approve',
  tags: ['orders'],
  summary: 'Approve an order above the threshold (an admin other than its customer)',
  ...signedIn,
  middleware: authorize('admin'),
  request: { params: OrderIdParam, headers: DecisionKeyHeader },
  responses: { 200: json(OrderStatusAnswer, 'approved'), ...problems(400, ...ANY, 403, 404, 409, ...DOWNSTREAM) },
});

export function installOrderRoutes(app: GatewayApp, deps: GatewayDeps, placement: OrderPlacement, keys: IdempotencyStore): void {
  const placeOrder = placingRoute(
    {
      operationId: 'placeOrder',
      path: '/api/v1/orders',
      tags: ['orders'],
      summary: 'Place an order (starts its saga)',
      body: PlaceOrderBody,
    },
    deps,
    placement,
    keys,
  );
  app.openapi(placeOrder, (c) => answerPlacing(c, deps, (request) => placement.place({ ...request, order: c.req.valid('json') })));
  installOrderReads(app, deps, placement);
  installOrderDecisions(app, deps);
}

function installOrderReads(app: GatewayApp, deps: GatewayDeps, placement: OrderPlacement): void {
  const { services } = deps;
  app.openapi(listOrders, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const page = await parseResponse(
      services.orders.as(callAs(c.var)).orders.$get({ query: { customerId: c.var.caller.userId, limit, cursor } }),
    );
    return c.json(
      {
        items: page.items.map(orderSummary),
        nextCursor: page.nextCursor,
      },
      200,
    );
  });

  app.openapi(getOrder, async (c) => {
    const { orderId } = c.req.valid('param');
    const { caller, requestId } = c.var;
    const found = await loadOrder(deps, caller, orderId, requestId);
    const wait = preferredWait(c.req.header('Prefer'));
    if (!wait || found.live?.status !== 'PENDING') return c.json(orderView(orderId, found), 200);
    // Still PENDING: wait for the saga to settle (or the time to pass), then show it as it is then.
    const { state } = await placement.waitUntilSettled(orderId, wait);
    c.header('Preference-Applied', `wait=${wait}`);
    return c.json(orderView(orderId, await loadOrder(deps, caller, orderId, requestId, state)), 200);
  });

  app.openapi(getEvents, async (c) => {
    const events = await parseResponse(services.orders.as(callAs(c.var)).orders[':orderId'].events.$get({ param: c.req.valid('param') }));
    return c.json({ items: events.items.map((event) => eventForCaller(c.var.caller, event)) }, 200);
  });
}

function installOrderDecisions(app: GatewayApp, deps: GatewayDeps): void {
  const { temporal } = deps;
  app.openapi(cancelOrder, async (c) => {
    const { orderId } = c.req.valid('param');
    const { caller } = c.var;
    // 404 unless it is the caller's order (or the caller is an admin).
    await loadOrder(deps, caller, orderId, c.var.requestId);
    const handle = temporal.workflow.getHandle(orderSagaWorkflow.id(orderId));
    const updateId = decisionUpdateId('cancel', caller.userId, c.req.valid('header')['idempotency-key']);
    const { status } = await decide(handle, cancelOrderUpdate, [{ requestedBy: caller.userId }], updateId);
    const wait = preferredWait(c.req.header('Prefer'));
    if (status !== 'CANCELLING' || !wait) return c.json({ orderId, status }, 200);
    // Accepted: wait (within the preference) for the compensations to end, and say how it ended.
    const { state } = await waitUntilSettled(temporal, orderId, wait, CANCEL_SETTLED_UPDATE_ID);
    c.header('Preference-Applied', `wait=${wait}`);
    return c.json({ orderId, status: state?.status ?? status }, 200);
  });

  app.openapi(approveOrder, async (c) => {
    const { orderId } = c.req.valid('param');
    const { caller } = c.var;
    const { customerId } = await loadOrder(deps, caller, orderId, c.var.requestId);
    // Four eyes: an admin does not approve an order of their own (the saga refuses it too).
    if (customerId === caller.userId)
      throw new HttpProblem('forbidden', { detail: 'an order is approved by an admin other than its customer' });
    const handle = temporal.workflow.getHandle(orderSagaWorkflow.id(orderId));
    const updateId = decisionUpdateId('approve', caller.userId, c.req.valid('header')['idempotency-key']);
    return c.json({ orderId, ...(await decide(handle, approveOrderUpdate, [{ approvedBy: caller.userId }], updateId)) }, 200);
  });
}
