// What an order's event log shows to whom. Operators see every field; the
// customer sees their order's story without the operators' internals: who
// approved it (an admin's account id) and the payment provider's charge and
// refund ids.
import { isOperator, type Caller } from '../../shared/auth/caller.js';
import type { OrderEventType } from '../../shared/domain/vocabulary.js';

const OPERATORS_ONLY: Partial<Record<OrderEventType, readonly string[]>> = {
  OrderApproved: ['approvedBy'],
  PaymentCaptured: ['chargeId'],
  PaymentRefunded: ['refundId'],
};

export function eventForCaller<E extends { type: OrderEventType; at: string; data: Record<string, unknown> }>(
  caller: Caller,
  { type, at, data }: E,
): { type: OrderEventType; at: string; data: Record<string, unknown> } {
  const hidden = isOperator(caller) ? [] : (OPERATORS_ONLY[type] ?? []);
  return { type, at, data: Object.fromEntries(Object.entries(data).filter(([key]) => !hidden.includes(key))) };
}
