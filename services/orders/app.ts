// Orders' HTTP API (the query side): a customer's orders newest first, one
// order's read model, and its full event history. Writes arrive only as events
// from the order saga's activities.
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { assertMayActFor, isPrivileged } from '../../shared/http/caller.js';
import { json } from '../../shared/http/openapi.js';
import { createServiceApp, type ServiceApp, type ServiceAppOptions, type ServiceEnv } from '../../shared/http/service-app.js';
import { decodeCursor, encodeCursor } from '../../shared/pagination.js';
import { problem } from '../../shared/problem.js';
import type { OrderView } from './projection.js';
import { CursorPosition, ListQuery, Order, OrderEvents, OrderIdParam, OrderPage } from './schemas.js';
import type { OrdersStore } from './store.js';


const listOrders = createRoute({
  method: 'get', path: '/orders', tags: ['orders'],
  request: { query: ListQuery },
  responses: { 200: json(OrderPage, 'orders, newest first'), 400: { description: 'bad query' } },
});
const getOrder = createRoute({
  method: 'get', path: '/orders/{orderId}', tags: ['orders'],
  request: { params: OrderIdParam },
  responses: { 200: json(Order, 'the order\'s read model'), 404: { description: 'no such order (or not yours)' } },
});
const getEvents = createRoute({
  method: 'get', path: '/orders/{orderId}/events', tags: ['orders'],
  request: { params: OrderIdParam },
  responses: { 200: json(OrderEvents, 'the order\'s events in order'), 404: { description: 'no such order (or not yours)' } },
});

const toJson = (view: OrderView) => ({ ...view, createdAt: view.createdAt.toISOString(), updatedAt: view.updatedAt.toISOString() });

export function createOrdersApp(deps: { store: OrdersStore; appOptions: ServiceAppOptions }): ServiceApp {
  const { store } = deps;
  const app = createServiceApp(deps.appOptions);

  const ownedOrder = async (c: Context<ServiceEnv>, orderId: string) => {
    const view = await store.get(orderId);
    if (!view) throw problem.notFound('no such order');
    assertMayActFor(c, view.customerId);
    return view;
  };

  app.openapi(listOrders, async (c) => {
    const { customerId, limit, cursor } = c.req.valid('query');
    // Everyone but an operator lists their own orders only.
    if (!customerId && !isPrivileged(c.get('caller').roles)) throw problem.validation([{ path: 'query.customerId', message: 'required' }]);
    if (customerId) assertMayActFor(c, customerId);
    const page = await store.list(customerId, limit, decodeCursor(cursor, CursorPosition));
    return c.json({ items: page.items.map(toJson), nextCursor: page.next ? encodeCursor(page.next) : null }, 200);
  });

  app.openapi(getOrder, async (c) => c.json(toJson(await ownedOrder(c, c.req.valid('param').orderId)), 200));

  app.openapi(getEvents, async (c) => {
    const { orderId } = c.req.valid('param');
    await ownedOrder(c, orderId);
    const events = await store.history(orderId);
    return c.json({ items: events.map((e) => ({ type: e.type, version: e.version, at: e.at.toISOString(), data: e.data as Record<string, unknown> })) }, 200);
  });

  return app;
}
