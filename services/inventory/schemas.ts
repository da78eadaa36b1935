import { z } from '@hono/zod-openapi';

export const Sku = z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/, 'an upper-case sku such as TSHIRT-RED-M').openapi({ example: 'TSHIRT-RED-M' });

export const StockLevel = z
  .object({ sku: Sku, available: z.number().int(), reserved: z.number().int() })
  .openapi('StockLevel');

export const SetStockBody = z.object({ available: z.number().int().min(0).max(10_000_000) }).strict().openapi('SetStock');

export const ReservationStatus = z.enum(['PENDING', 'RESERVED', 'COMMITTED', 'RELEASED', 'REJECTED']);

export const Reservation = z
  .object({
    orderId: z.string(),
    status: ReservationStatus,
    lines: z.array(z.object({ sku: z.string(), quantity: z.number().int() })),
  })
  .openapi('Reservation');

export const SkuParam = z.object({ sku: Sku.openapi({ param: { name: 'sku', in: 'path' } }) });
export const OrderIdParam = z.object({ orderId: z.string().min(1).max(100).openapi({ param: { name: 'orderId', in: 'path' } }) });

