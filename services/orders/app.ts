// Orders' HTTP API (the query side): a customer's orders newest first, one
// order's read model, and its full event history. Writes arrive only as events
// from the order saga's activities.
import { createRoute } from '@hono/zod-openapi';
import { isOperator, mayActFor, type Caller } from '../../shared/auth/caller.js';
import { OrderRecord } from '../../shared/domain/order.js';
import { json } from '../../shared/http/openapi.js';
import { createServiceApp, type ServiceAppOptions } from '../../shared/http/service-app.js';
import { timeCursor, timePosition } from '../../shared/pagination.js';
import { HttpProblem } from '../../shared/problem.js';
import { toRecord } from './projection.js';
import { OrderIdParam } from '../../shared/http/path-params.js';
import { ListQuery, OrderEventLog, OrderRecordPage } from './schemas.js';
import type { OrdersStore } from './store.js';

const listOrders = createRoute({
  method: 'get',
  path: '/orders',
  tags: ['orders'],
  request: { query: ListQuery },
  responses: { 200: json(OrderRecordPage, 'orders, newest first'), 400: { description: 'bad query' } },
});
const getOrder = createRoute({
  method: 'get',
  path: '/orders/{orderId}',
  tags: ['orders'],
  request: { params: OrderIdParam },
  responses: { 200: json(OrderRecord, "the order's read model"), 404: { description: 'no such order (or not yours)' } },
});
const getEvents = createRoute({
  method: 'get',
  path: '/orders/{orderId}/events',
  tags: ['orders'],
  request: { params: OrderIdParam },
  responses: { 200: json(OrderEventLog, "the order's events in order"), 404: { description: 'no such order (or not yours)' } },
});

const noSuchOrder = () => new HttpProblem('not-found', { detail: 'no such order' });

export function createOrdersApp(deps: { store: OrdersStore; appOptions: ServiceAppOptions }) {
  const { store } = deps;
  // 404 rather than 403 for another customer's order: its id does not leak.
  const ownedOrder = async (caller: Caller, orderId: string) => {
    const view = await store.get(orderId);
    if (!view || !mayActFor(caller, view.customerId)) throw noSuchOrder();
    return view;
  };

  return createServiceApp(deps.appOptions)
    .openapi(listOrders, async (c) => {
      const { customerId, limit, cursor } = c.req.valid('query');
      const caller = c.var.caller;
      // Everyone but an operator lists their own orders only.
      if (!customerId && !isOperator(caller))
        throw new HttpProblem('validation', {
          detail: 'the request is not valid',
          errors: [{ path: 'query.customerId', message: 'required' }],
        });
      if (customerId && !mayActFor(caller, customerId)) throw new HttpProblem('not-found', { detail: 'no such customer' });
      const after = cursor ? timePosition(cursor) : undefined;
      const page = await store.list(customerId, limit, after && { createdAt: after.createdAt, orderId: after.id });
      return c.json(
        { items: page.items.map(toRecord), nextCursor: page.next ? timeCursor(page.next.createdAt, page.next.orderId) : null },
        200,
      );
    })
    .openapi(getOrder, async (c) => c.json(toRecord(await ownedOrder(c.var.caller, c.req.valid('param').orderId)), 200))
    .openapi(getEvents, async (c) => {
      const { orderId } = c.req.valid('param');
      await ownedOrder(c.var.caller, orderId);
      const events = await store.history(orderId);
      return c.json({ items: events.map((e) => ({ type: e.type, version: e.version, at: e.at.toISOString(), data: e.data })) }, 200);
    });
}

export type OrdersApp = ReturnType<typeof createOrdersApp>;
