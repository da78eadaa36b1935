import { z } from '@hono/zod-openapi';
import { OrderId, UserId } from '../../shared/domain/ids.js';
import { OrderRecord } from '../../shared/domain/order.js';
import { ORDER_EVENT_TYPES } from '../../shared/domain/vocabulary.js';
import { TimeCursor, limitParam } from '../../shared/pagination.js';

export const OrderIdParam = z.object({ orderId: OrderId });
export const ListQuery = z.object({ customerId: UserId.optional(), limit: limitParam, cursor: TimeCursor.optional() });
export const OrderPage = z.object({ items: z.array(OrderRecord), nextCursor: TimeCursor.nullable() }).openapi('OrderPage');
export const OrderEvents = z
  .object({
    items: z.array(
      z.object({ type: z.enum(ORDER_EVENT_TYPES), version: z.number().int(), at: z.string(), data: z.record(z.string(), z.unknown()) }),
    ),
  })
  .openapi('OrderEvents');
