import { z } from '@hono/zod-openapi';
import { OrderId, ShipmentId, UserId } from '../../shared/domain/ids.js';
import { CARRIER_EVENT_TYPES } from '../../shared/domain/vocabulary.js';

export const Shipment = z
  .object({
    shipmentId: ShipmentId,
    orderId: OrderId,
    customerId: UserId,
    trackingNumber: z.string(),
    status: z.enum(['LABEL_CREATED', 'PICKED_UP', 'DELIVERED', 'CANCELLED']),
    events: z.array(z.object({ type: z.enum(CARRIER_EVENT_TYPES), at: z.string() })),
    /** The email of the carrier account the parcel is handed to; null: only admins report its events. */
    carrier: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Shipment');
export const ByOrderQuery = z.object({ orderId: OrderId });
