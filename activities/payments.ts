// Payments' activities, on task queue `payments`. Declines are non-retryable
// PaymentDeclined failures; provider outages are plain errors the saga retries.
import { z } from 'zod';
import { activitiesFrom, parseInput } from '../shared/activity-failure.js';
import { ChargeInput } from '../services/payments/schemas.js';
import type { PaymentsStore } from '../services/payments/store.js';
import type { PaymentsActivities } from './contracts.js';

const RefundInput = z.object({ orderId: z.string().min(1).max(100) }).strict();

export function createPaymentsActivities(store: PaymentsStore): PaymentsActivities {
  return activitiesFrom<PaymentsActivities>({
    chargePayment: async (input) => {
      const { orderId, amountCents, currency, paymentToken } = parseInput(ChargeInput, input);
      return store.charge(orderId, amountCents, currency, paymentToken);
    },
    refundPayment: async (input) => store.refund(parseInput(RefundInput, input).orderId),
  });
}
