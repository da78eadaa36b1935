// The carrier webhook. Only the carrier the shipment is assigned to (its account's
// email, set by the shipping service) or an admin may report for it; any other
// carrier gets the same 404 as for a shipment that does not exist. A type the
// shipment already has is answered 202 at once: a repeating carrier adds nothing
// to the workflows' histories. Otherwise a carrier event (each implies the parcel
// was picked up) is first told to the order saga itself, as an update, before the
// 202: once the carrier is answered, no cancel of the order is accepted any more.
// If the customer's cancel was accepted first, the cancel stands and the carrier
// is answered 409 (the shipment is cancelled; the parcel goes back). Then the
// event becomes a signal to the order's fulfilment workflow, which records it and
// tells the customer.
import { createRoute } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import { parseResponse } from 'hono/client';
import { isOperator } from '../../shared/auth/caller.js';
import { authorize } from '../../shared/http/authorize.js';
import { HttpProblem } from '../../shared/problem.js';
import { carrierEventSignal, fulfilmentWorkflow } from '../../services/shipping/temporal/contract.js';
import { carrierPickupUpdate, orderSagaWorkflow } from '../../services/orders/temporal/contract.js';
import type { GatewayApp, GatewayDeps } from '../context.js';
import { decide } from '../orders/decision.js';
import { ShipmentIdParam } from '../../shared/http/path-params.js';
import { CarrierEventAccepted, CarrierEventBody } from '../schemas.js';
import { callAs } from './context.js';
import { ANY, BODY, DOWNSTREAM, body, json, problems, signedIn } from './responses.js';

const carrierEvent = createRoute({
  method: 'post',
  operationId: 'recordCarrierEvent',
  path: '/api/v1/shipments/{shipmentId}/events',
  tags: ['shipping'],
  summary: "Carrier webhook (admin, or the shipment's own carrier)",
  ...signedIn,
  middleware: authorize('admin', 'carrier'),
  request: { params: ShipmentIdParam, ...body(CarrierEventBody) },
  responses: {
    202: json(CarrierEventAccepted, 'known to the order saga (no cancel is accepted from now on) and handed to the fulfilment workflow'),
    ...problems(...BODY, ...ANY, 403, 404, 409, ...DOWNSTREAM),
  },
});

/** The update id of the carrier's pickup of an order (the saga's workflow id names the order). */
export const PICKUP_UPDATE_ID = 'carrier-pickup';

export function installShipmentRoutes(app: GatewayApp, { services, temporal }: GatewayDeps): void {
  app.openapi(carrierEvent, async (c) => {
    const event = c.req.valid('json');
    const shipment = await parseResponse(
      services.shipping.as(callAs(c.var)).shipments[':shipmentId'].$get({ param: c.req.valid('param') }),
    );
    if (!isOperator(c.var.caller)) {
      const me = await parseResponse(services.users.as(callAs(c.var)).users[':userId'].$get({ param: { userId: c.var.caller.userId } }));
      if (!shipment.carrier || shipment.carrier !== me.email.toLowerCase())
        throw new HttpProblem('not-found', { detail: 'no such shipment' });
    }
    if (shipment.events.some((e) => e.type === event.type)) return c.json({ accepted: true as const }, 202);
    const saga = temporal.workflow.getHandle(orderSagaWorkflow.id(shipment.orderId));
    const pickup = { shipmentId: shipment.shipmentId, trackingNumber: shipment.trackingNumber };
    try {
      // One pickup per order: a repeat is the same update to Temporal, answered with the first outcome.
      await decide(saga, carrierPickupUpdate, [pickup], PICKUP_UPDATE_ID);
    } catch (error) {
      // A saga that completed DELIVERED knew of the pickup long ago: a late repeat of the carrier's events.
      if (!(error instanceof HttpProblem && error.extensions.orderStatus === 'DELIVERED')) throw error;
    }
    try {
      await temporal.workflow.getHandle(fulfilmentWorkflow.id(shipment.orderId)).signal(carrierEventSignal, event);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError)
        throw new HttpProblem('conflict', { detail: 'the shipment is no longer being tracked', cause: error });
      throw error;
    }
    return c.json({ accepted: true as const }, 202);
  });
}
