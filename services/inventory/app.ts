// Inventory's HTTP API: stock levels (public through the gateway), admin stock
// counts, and a read of each order's reservation.
import { createRoute } from '@hono/zod-openapi';
import { assertAdmin } from '../../shared/http/caller.js';
import { json } from '../../shared/http/openapi.js';
import { createServiceApp, type ServiceApp } from '../../shared/http/service-app.js';
import type { ServiceAppOptions } from '../../shared/http/service-app.js';
import { problem } from '../../shared/problem.js';
import { OrderIdParam, Reservation, SetStockBody, SkuParam, StockLevel } from './schemas.js';
import type { InventoryStore } from './store.js';


const getStock = createRoute({
  method: 'get', path: '/stock/{sku}', tags: ['stock'],
  request: { params: SkuParam },
  responses: { 200: json(StockLevel, 'units available and reserved'), 404: { description: 'unknown sku' } },
});

const setStock = createRoute({
  method: 'put', path: '/stock/{sku}', tags: ['stock'],
  request: { params: SkuParam, body: { content: { 'application/json': { schema: SetStockBody } }, required: true } },
  responses: { 200: json(StockLevel, 'the new level'), 403: { description: 'administrators only' } },
});

const getReservation = createRoute({
  method: 'get', path: '/reservations/{orderId}', tags: ['reservations'],
  request: { params: OrderIdParam },
  responses: { 200: json(Reservation, 'the order\'s reservation'), 404: { description: 'no reservation for the order' } },
});

export function createInventoryApp(deps: { store: InventoryStore; appOptions: ServiceAppOptions }): ServiceApp {
  const { store } = deps;
  const app = createServiceApp(deps.appOptions);

  app.openapi(getStock, async (c) => {
    const level = await store.level(c.req.valid('param').sku);
    if (!level) throw problem.notFound('no stock record for this sku');
    return c.json(level, 200);
  });

  app.openapi(setStock, async (c) => {
    assertAdmin(c);
    return c.json(await store.setAvailable(c.req.valid('param').sku, c.req.valid('json').available), 200);
  });

  app.openapi(getReservation, async (c) => {
    const reservation = await store.reservation(c.req.valid('param').orderId);
    if (!reservation) throw problem.notFound('no reservation for this order');
    return c.json(reservation, 200);
  });

  return app;
}
