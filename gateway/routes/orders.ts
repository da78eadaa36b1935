// Orders: placing one starts its saga; reading one combines the read model with
// the saga's live state; cancel and approve are workflow updates whose answer
// becomes the HTTP status (200 accepted, 409 too late).
import { createRoute } from '@hono/zod-openapi';
import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { workflowIds } from '../../shared/domain/vocabulary.js';
import { problem } from '../../shared/problem.js';
import { UPDATE_REJECTED, approveOrderUpdate, cancelOrderUpdate, type UpdateAnswer } from '../../workflows/definitions.js';
import type { GatewayApp, GatewayDeps } from '../context.js';
import type { OrderPlacement } from '../order-placement.js';
import { loadOrder, orderView, type ReadModel } from '../order-view.js';
import { preferredWait, waitUntilSettled } from '../saga-wait.js';
import { IdempotencyHeader, ListQuery, PreferHeader, OrderAccepted, OrderEvents, OrderIdParam, OrderPage, OrderStatusAnswer, OrderView, PlaceOrderBody } from '../schemas.js';
import { adminOf, body, json, pick, userOf } from './support.js';

const signedIn = { security: [{ bearer: [] }] };

const placeOrder = createRoute({
  method: 'post', path: '/api/v1/orders', tags: ['orders'], summary: 'Place an order (starts its saga)', ...signedIn,
  request: { headers: IdempotencyHeader.extend(PreferHeader.shape), ...body(PlaceOrderBody) },
  responses: {
    201: json(OrderView, 'with `Prefer: wait=N`: the saga settled in time; the order as GET shows it'),
    202: json(OrderAccepted, 'accepted; poll links.self, or ask with `Prefer: wait=N`'),
    ...pick(400, 401, 409, 422, 429, 503),
  },
});
const listOrders = createRoute({
  method: 'get', path: '/api/v1/orders', tags: ['orders'], summary: 'The caller\'s orders, newest first', ...signedIn,
  request: { query: ListQuery },
  responses: { 200: json(OrderPage, 'a page of orders'), ...pick(400, 401) },
});
const getOrder = createRoute({
  method: 'get', path: '/api/v1/orders/{orderId}', tags: ['orders'], ...signedIn,
  request: { params: OrderIdParam, headers: PreferHeader },
  responses: { 200: json(OrderView, 'the order with its live saga state (with `Prefer: wait=N`, once it is no longer PENDING or N seconds passed)'), ...pick(401, 404) },
});
const getEvents = createRoute({
  method: 'get', path: '/api/v1/orders/{orderId}/events', tags: ['orders'], summary: 'The order\'s event log', ...signedIn,
  request: { params: OrderIdParam },
  responses: { 200: json(OrderEvents, 'events in order'), ...pick(401, 404) },
});
const cancelOrder = createRoute({
  method: 'post', path: '/api/v1/orders/{orderId}/cancel', tags: ['orders'], summary: 'Cancel until the parcel is picked up', ...signedIn,
  request: { params: OrderIdParam },
  responses: { 200: json(OrderStatusAnswer, 'cancellation accepted; compensations run'), ...pick(401, 404, 409) },
});
const approveOrder = createRoute({
  method: 'post', path: '/api/v1/orders/{orderId}/approve', tags: ['orders'], summary: 'Approve an order above the threshold (admin)',
  security: [{ bearer: [] }],
  request: { params: OrderIdParam },
  responses: { 200: json(OrderStatusAnswer, 'approved'), ...pick(401, 403, 404, 409) },
});

export function installOrderRoutes(app: GatewayApp, deps: GatewayDeps, placement: OrderPlacement): void {
  const { services, temporal } = deps;

  app.openapi(placeOrder, async (c) => {
    const user = userOf(c);
    const order = c.req.valid('json');
    const key = c.req.valid('header')['idempotency-key'];
    const wait = preferredWait(c.req.header('Prefer'));
    return placement.once(c, user, key, order, (orderId, print) => placement.start(c, user, orderId, order, print, wait), wait) as never;
  });

  app.openapi(listOrders, async (c) => {
    const user = userOf(c);
    const { limit, cursor } = c.req.valid('query');
    const query = new URLSearchParams({ customerId: user.userId });
    if (limit) query.set('limit', String(limit));
    if (cursor) query.set('cursor', cursor);
    const { body: page } = await services.orders.call<{ items: ReadModel[]; nextCursor: string | null }>('GET', `/orders?${query}`, { caller: user, requestId: c.get('requestId') });
    return c.json({
      items: page.items.map((o) => ({ orderId: o.orderId, status: o.status, totalCents: o.totalCents ?? null, currency: o.currency ?? null, createdAt: o.createdAt })),
      nextCursor: page.nextCursor,
    }, 200);
  });

  app.openapi(getOrder, async (c) => {
    const { orderId } = c.req.valid('param');
    const user = userOf(c);
    const found = await loadOrder(deps, user, orderId, c.get('requestId'));
    const wait = preferredWait(c.req.header('Prefer'));
    if (!wait || found.live?.status !== 'PENDING') return c.json(orderView(orderId, found) as never, 200);
    // Still PENDING: wait for the saga to settle (or the time to pass), then show it as it is then.
    await waitUntilSettled(temporal, orderId, wait);
    c.header('Preference-Applied', `wait=${wait}`);
    return c.json(orderView(orderId, await loadOrder(deps, user, orderId, c.get('requestId'))) as never, 200);
  });

  app.openapi(getEvents, async (c) => {
    const { orderId } = c.req.valid('param');
    const { body: events } = await services.orders.call<{ items: Array<{ type: string; at: string; data: Record<string, unknown> }> }>(
      'GET', `/orders/${orderId}/events`, { caller: userOf(c), requestId: c.get('requestId') },
    );
    return c.json({ items: events.items.map(({ type, at, data }) => ({ type, at, data })) }, 200);
  });

  const update = async (orderId: string, run: () => Promise<UpdateAnswer>) => {
    try {
      const answer = await run();
      return { orderId, status: answer.status };
    } catch (error) {
      // The saga's validator refused it: 409 with the reason and the order's status now.
      if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === UPDATE_REJECTED) {
        const [details] = error.cause.details as Array<{ status?: string } | undefined>;
        throw problem.conflict(error.cause.message, details?.status ? { orderStatus: details.status } : {});
      }
      // A finished saga takes no more updates: the order is already final.
      if (error instanceof WorkflowNotFoundError || error instanceof WorkflowUpdateFailedError) throw problem.conflict('the order is already final');
      throw error;
    }
  };

  app.openapi(cancelOrder, async (c) => {
    const user = userOf(c);
    const { orderId } = c.req.valid('param');
    const { customerId } = await loadOrder(deps, user, orderId, c.get('requestId'));
    if (customerId !== user.userId && !user.roles.includes('admin')) throw problem.notFound('no such order');
    const handle = temporal.workflow.getHandle(workflowIds.order(orderId));
    return c.json(await update(orderId, () => handle.executeUpdate(cancelOrderUpdate, { args: [{ requestedBy: user.userId }] })), 200);
  });

  app.openapi(approveOrder, async (c) => {
    const user = adminOf(c);
    const { orderId } = c.req.valid('param');
    await loadOrder(deps, user, orderId, c.get('requestId'));
    const handle = temporal.workflow.getHandle(workflowIds.order(orderId));
    return c.json(await update(orderId, () => handle.executeUpdate(approveOrderUpdate, { args: [{ approvedBy: user.userId }] })), 200);
  });
}
