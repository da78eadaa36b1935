// The payments service's activity catalogue: what its worker runs on its task queue, each
// activity with its zod input and output and the business failures it may report
// (activities/define-catalogue.ts). Implemented in ../activities.ts.
import { z } from 'zod';
import { OrderId } from '../../../shared/domain/ids.js';
import { AmountCents, Currency } from '../../../shared/domain/money.js';
import { PaymentToken } from '../../../shared/domain/order.js';
import { defineCatalogue, type ActivitiesOf } from '../../../activities/define-catalogue.js';
import { ping } from '../../../activities/probe.js';
import { paymentsTaskQueue } from './contract.js';

export const paymentsCatalogue = defineCatalogue({
  taskQueue: paymentsTaskQueue,
  activities: {
    /** Charges once per order id, however often retried. Provider outages are retried. */
    chargePayment: {
      input: z.object({ orderId: OrderId, amountCents: AmountCents.min(1), currency: Currency, paymentToken: PaymentToken }).strict(),
      output: z.object({ chargeId: z.string(), amountCents: AmountCents }),
      failures: ['PaymentDeclined', 'InvalidInput', 'InvalidState'],
    },
    /** Refunds what was charged for the order, at most once and never more; a no-op without a charge. */
    refundPayment: {
      input: z.object({ orderId: OrderId }).strict(),
      output: z.object({ refunded: z.boolean(), refundId: z.string().optional(), amountCents: AmountCents }),
      failures: [],
    },
    ping,
  },
});
export type PaymentsActivities = ActivitiesOf<typeof paymentsCatalogue>;
