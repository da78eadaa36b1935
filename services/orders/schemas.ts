import { z } from '@hono/zod-openapi';
import { CANCELLATION_REASONS, ORDER_EVENT_TYPES, ORDER_STATUSES } from '../../shared/domain/vocabulary.js';
import { limitParam } from '../../shared/pagination.js';

export const OrderIdParam = z.object({ orderId: z.string().min(1).max(100).openapi({ param: { name: 'orderId', in: 'path' } }) });

export const ListQuery = z.object({
  customerId: z.string().min(1).max(100).optional(),
  limit: limitParam,
  cursor: z.string().max(500).optional(),
});

export const CursorPosition = z.object({ createdAt: z.iso.datetime(), orderId: z.string() });

export const Order = z
  .object({
    orderId: z.string(),
    customerId: z.string(),
    status: z.enum(ORDER_STATUSES),
    items: z.array(z.object({ sku: z.string(), quantity: z.number().int(), unitPriceCents: z.number().int().optional(), name: z.string().optional() })),
    totalCents: z.number().int().optional(),
    currency: z.string().optional(),
    cancellation: z.object({ reason: z.enum(CANCELLATION_REASONS) }).optional(),
    failure: z.object({ reason: z.string() }).optional(),
    shipment: z.object({ shipmentId: z.string(), trackingNumber: z.string() }).optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  .openapi('Order');

export const OrderPage = z.object({ items: z.array(Order), nextCursor: z.string().nullable() }).openapi('OrderPage');

export const OrderEvents = z
  .object({ items: z.array(z.object({ type: z.enum(ORDER_EVENT_TYPES), version: z.number().int(), at: z.string(), data: z.record(z.string(), z.unknown()) })) })
  .openapi('OrderEvents');

