// Shipping's HTTP API: a shipment with its carrier events, and the shipments of an order.
import { createRoute, z } from '@hono/zod-openapi';
import { assertMayActFor } from '../../shared/http/caller.js';
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '../../shared/http/service-app.js';
import { problem } from '../../shared/problem.js';
import { ByOrderQuery, Shipment, ShipmentIdParam } from './schemas.js';
import type { ShippingStore } from './store.js';

const getShipment = createRoute({
  method: 'get', path: '/shipments/{shipmentId}', tags: ['shipments'], request: { params: ShipmentIdParam },
  responses: { 200: { content: { 'application/json': { schema: Shipment } }, description: 'the shipment' }, 404: { description: 'no such shipment (or not yours)' } },
});
const listShipments = createRoute({
  method: 'get', path: '/shipments', tags: ['shipments'], request: { query: ByOrderQuery },
  responses: { 200: { content: { 'application/json': { schema: z.object({ items: z.array(Shipment) }) } }, description: 'the order\'s shipments' } },
});

export function createShippingApp(deps: { store: ShippingStore; appOptions: ServiceAppOptions }): ServiceApp {
  const { store } = deps;
  const app = createServiceApp(deps.appOptions);
  app.openapi(getShipment, async (c) => {
    const shipment = await store.get(c.req.valid('param').shipmentId);
    if (!shipment) throw problem.notFound('no such shipment');
    if (!c.get('caller').roles.includes('carrier')) assertMayActFor(c, shipment.customerId);
    return c.json(shipment, 200);
  });
  app.openapi(listShipments, async (c) => {
    const items = await store.byOrder(c.req.valid('query').orderId);
    for (const s of items) assertMayActFor(c, s.customerId);
    return c.json({ items }, 200);
  });
  return app;
}
