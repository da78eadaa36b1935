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

const Address = z.object({ name: z.string().max(100), line1: z.string().max(200), line2: z.string().max(200).optional(), city: z.string().max(100), postalCode: z.string().max(20), country: z.string().max(2) });
export const CreateShipmentInput = z
  .object({
    orderId: z.string().min(1).max(100),
    customerId: z.string().min(1).max(100),
    address: Address,
    lines: z.array(z.object({ sku: z.string(), quantity: z.number().int().min(1) })).min(1),
  })
  .strict();
export const CarrierEventInput = z.object({ shipmentId: z.string().min(1).max(100), type: z.enum(CARRIER_EVENT_TYPES), at: z.string().max(40) }).strict();
