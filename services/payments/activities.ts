// The payments service's activities: one charge and at most one refund per order.
import { implementActivities } from '../../activities/implement.js';
import type { PaymentsStore } from './store.js';
import { paymentsCatalogue } from './temporal/catalogue.js';

export function createPaymentsActivities(store: PaymentsStore) {
  return implementActivities(paymentsCatalogue, {
    chargePayment: ({ orderId, amountCents, currency, paymentToken }) => store.charge(orderId, amountCents, currency, paymentToken),
    refundPayment: ({ orderId }) => store.refund(orderId),
  });
}
