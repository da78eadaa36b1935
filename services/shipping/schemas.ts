import { z } from '@hono/zod-openapi';
import { CARRIER_EVENT_TYPES } from '../../shared/domain/vocabulary.js';

export const Shipment = z
  .object({
    shipmentId: z.string(), orderId: z.string(), customerId: z.string(), trackingNumber: z.string(),
    status: z.enum(['LABEL_CREATED', 'PICKED_UP', 'DELIVERED']),
    events: z.array(z.object({ type: z.enum(CARRIER_EVENT_TYPES), at: z.string() })),
    createdAt: z.string(),
  })
  .openapi('Shipment');
export const ShipmentIdParam = z.object({ shipmentId: z.string().min(1).max(100).openapi({ param: { name: 'shipmentId', in: 'path' } }) });
export const ByOrderQuery = z.object({ orderId: z.string().min(1).max(100) });

