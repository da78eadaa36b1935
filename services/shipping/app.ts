// Shipping's HTTP API: a shipment with its carrier events, and the shipments of an order.
import { createRoute, z } from '@hono/zod-openapi';
import { hasRole, mayActFor } from '../../shared/auth/caller.js';
import { json } from '../../shared/http/openapi.js';
import { createServiceApp, type ServiceAppOptions } from '../../shared/http/service-app.js';
import { HttpProblem } from '../../shared/problem.js';
import { ShipmentIdParam } from '../../shared/http/path-params.js';
import { ByOrderQuery, Shipment } from './schemas.js';
import type { ShippingStore } from './store.js';

const getShipment = createRoute({
  method: 'get',
  path: '/shipments/{shipmentId}',
  tags: ['shipments'],
  request: { params: ShipmentIdParam },
  responses: { 200: json(Shipment, 'the shipment'), 404: { description: 'no such shipment (or not yours)' } },
});
const listShipments = createRoute({
  method: 'get',
  path: '/shipments',
  tags: ['shipments'],
  request: { query: ByOrderQuery },
  responses: { 200: json(z.object({ items: z.array(Shipment) }), "the order's shipments"), 404: { description: 'not yours' } },
});

// 404 rather than 403: ids of other users' shipments do not leak.
const noSuchShipment = () => new HttpProblem('not-found', { detail: 'no such shipment' });

export function createShippingApp(deps: { store: ShippingStore; appOptions: ServiceAppOptions }) {
  const { store } = deps;
  return createServiceApp(deps.appOptions)
    .openapi(getShipment, async (c) => {
      const shipment = await store.get(c.req.valid('param').shipmentId);
      // Carriers see the shipments they carry; customers their own.
      if (!shipment || !(hasRole(c.var.caller, 'carrier') || mayActFor(c.var.caller, shipment.customerId))) throw noSuchShipment();
      return c.json(shipment, 200);
    })
    .openapi(listShipments, async (c) => {
      const items = await store.byOrder(c.req.valid('query').orderId);
      if (items.some((s) => !mayActFor(c.var.caller, s.customerId))) throw noSuchShipment();
      return c.json({ items }, 200);
    });
}

export type ShippingApp = ReturnType<typeof createShippingApp>;
