// Inventory's HTTP API: stock levels (public through the gateway), admin stock
// counts, and a read of each order's reservation.
import { createRoute } from '@hono/zod-openapi';
import { authorize } from '../../shared/http/authorize.js';
import { body, json } from '../../shared/http/openapi.js';
import { createServiceApp, type ServiceAppOptions } from '../../shared/http/service-app.js';
import { HttpProblem } from '../../shared/problem.js';
import { OrderIdParam, SkuParam } from '../../shared/http/path-params.js';
import { Reservation, SetStockBody, StockLevel } from './schemas.js';
import type { InventoryStore } from './store.js';

const operator = authorize('admin', 'system');

const getStock = createRoute({
  method: 'get',
  path: '/stock/{sku}',
  tags: ['stock'],
  request: { params: SkuParam },
  responses: { 200: json(StockLevel, 'units available and reserved'), 404: { description: 'unknown sku' } },
});
const setStock = createRoute({
  method: 'put',
  path: '/stock/{sku}',
  tags: ['stock'],
  middleware: [operator] as const,
  request: { params: SkuParam, ...body(SetStockBody) },
  responses: { 200: json(StockLevel, 'the new level'), 403: { description: 'administrators only' } },
});
const getReservation = createRoute({
  method: 'get',
  path: '/reservations/{orderId}',
  tags: ['reservations'],
  middleware: [operator] as const,
  request: { params: OrderIdParam },
  responses: {
    200: json(Reservation, "the order's reservation"),
    403: { description: 'operators only' },
    404: { description: 'no reservation for the order' },
  },
});

export function createInventoryApp(deps: { store: InventoryStore; appOptions: ServiceAppOptions }) {
  const { store } = deps;
  return createServiceApp(deps.appOptions)
    .openapi(getStock, async (c) => {
      const level = await store.level(c.req.valid('param').sku);
      if (!level) throw new HttpProblem('not-found', { detail: 'no stock record for this sku' });
      return c.json(level, 200);
    })
    .openapi(setStock, async (c) => c.json(await store.setAvailable(c.req.valid('param').sku, c.req.valid('json').available), 200))
    .openapi(getReservation, async (c) => {
      const reservation = await store.reservation(c.req.valid('param').orderId);
      if (!reservation) throw new HttpProblem('not-found', { detail: 'no reservation for this order' });
      return c.json(reservation, 200);
    });
}

export type InventoryApp = ReturnType<typeof createInventoryApp>;
