// The carrier webhook: a carrier event becomes a signal to the order's fulfilment workflow.
import { createRoute } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import { workflowIds } from '../../shared/domain/vocabulary.js';
import { problem } from '../../shared/problem.js';
import { carrierEventSignal } from '../../workflows/definitions.js';
import type { GatewayApp, GatewayDeps } from '../context.js';
import { CarrierEventBody, ShipmentIdParam } from '../schemas.js';
import { body, json, pick, userOf } from './support.js';
import { z } from '@hono/zod-openapi';

const carrierEvent = createRoute({
  method: 'post', path: '/api/v1/shipments/{shipmentId}/events', tags: ['shipping'], summary: 'Carrier webhook (admin or carrier role)',
  security: [{ bearer: [] }],
  request: { params: ShipmentIdParam, ...body(CarrierEventBody) },
  responses: { 202: json(z.object({ accepted: z.literal(true) }), 'handed to the fulfilment workflow'), ...pick(400, 401, 403, 404, 409) },
});

export function installShipmentRoutes(app: GatewayApp, { services, temporal }: GatewayDeps): void {
  app.openapi(carrierEvent, async (c) => {
    const user = userOf(c);
    if (!user.roles.includes('admin') && !user.roles.includes('carrier')) throw problem.forbidden('carriers and administrators only');
    const { shipmentId } = c.req.valid('param');
    const event = c.req.valid('json');
    const { body: shipment } = await services.shipping.call<{ orderId: string }>('GET', `/shipments/${shipmentId}`, { caller: user, requestId: c.get('requestId') });
    try {
      await temporal.workflow.getHandle(workflowIds.fulfilment(shipment.orderId)).signal(carrierEventSignal, event);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw problem.conflict('the shipment is no longer being tracked');
      throw error;
    }
    return c.json({ accepted: true as const }, 202);
  });
}
