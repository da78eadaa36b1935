// The carrier webhook: a carrier event becomes a signal to the order's fulfilment workflow.
import { createRoute } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import { parseResponse } from 'hono/client';
import { workflowIds } from '../../shared/domain/vocabulary.js';
import { authorize } from '../../shared/http/authorize.js';
import { HttpProblem } from '../../shared/problem.js';
import { carrierEventSignal } from '../../workflows/definitions.js';
import type { GatewayApp, GatewayDeps } from '../context.js';
import { CarrierEventAccepted, CarrierEventBody, ShipmentIdParam } from '../schemas.js';
import { callAs } from './context.js';
import { ANY, BODY, DOWNSTREAM, body, json, problems, signedIn } from './responses.js';

const carrierEvent = createRoute({
  method: 'post',
  operationId: 'recordCarrierEvent',
  path: '/api/v1/shipments/{shipmentId}/events',
  tags: ['shipping'],
  summary: 'Carrier webhook (admin or carrier role)',
  ...signedIn,
  middleware: authorize('admin', 'carrier'),
  request: { params: ShipmentIdParam, ...body(CarrierEventBody) },
  responses: {
    202: json(CarrierEventAccepted, 'handed to the fulfilment workflow'),
    ...problems(...BODY, ...ANY, 403, 404, 409, ...DOWNSTREAM),
  },
});

export function installShipmentRoutes(app: GatewayApp, { services, temporal }: GatewayDeps): void {
  app.openapi(carrierEvent, async (c) => {
    const shipment = await parseResponse(
      services.shipping.as(callAs(c.var)).shipments[':shipmentId'].$get({ param: c.req.valid('param') }),
    );
    try {
      await temporal.workflow.getHandle(workflowIds.fulfilment(shipment.orderId)).signal(carrierEventSignal, c.req.valid('json'));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError)
        throw new HttpProblem('conflict', { detail: 'the shipment is no longer being tracked', cause: error });
      throw error;
    }
    return c.json({ accepted: true as const }, 202);
  });
}
