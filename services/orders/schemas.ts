import { z } from '@hono/zod-openapi';
import { UserId } from '../../shared/domain/ids.js';
import { OrderRecord } from '../../shared/domain/order.js';
import { ORDER_EVENT_TYPES } from '../../shared/domain/vocabulary.js';
import { TimeCursor, limitParam } from '../../shared/pagination.js';

export const ListQuery = z.object({ customerId: UserId.optional(), limit: limitParam, cursor: TimeCursor.optional() });
/** A page of order records (the gateway shows each as an OrderSummary). */
export const OrderRecordPage = z.object({ items: z.array(OrderRecord), nextCursor: TimeCursor.nullable() }).openapi('OrderRecordPage');
/** The order's event log, each event with its version (the gateway shows each as its caller may see it). */
export const OrderEventLog = z
  .object({
    items: z.array(
      z.object({ type: z.enum(ORDER_EVENT_TYPES), version: z.number().int(), at: z.string(), data: z.record(z.string(), z.unknown()) }),
    ),
  })
  .openapi('OrderEventLog');
