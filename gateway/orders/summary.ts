// One order in a list (the orders page, the dashboard's recent orders), from its record.
import type { OrderRecord } from '../../shared/domain/order.js';
import type { OrderSummary } from '../schemas.js';
import type { EveryField } from './every-field.js';

/** Every field of the summary is named here: one added to the summary does not compile until it is set. */
export function orderSummary({ orderId, status, totalCents, currency, createdAt }: OrderRecord): OrderSummary {
  // Not priced yet: null, as in the order's view.
  const summary: EveryField<OrderSummary> = { orderId, status, totalCents: totalCents ?? null, currency: currency ?? null, createdAt };
  return summary;
}
