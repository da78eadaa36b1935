import { z } from '@hono/zod-openapi';

const LedgerEntry = z.object({
  id: z.string(),
  type: z.enum(['charge', 'refund']),
  amountCents: z.number().int(),
  currency: z.string(),
  at: z.string(),
});

export const PaymentView = z
  .object({
    orderId: z.string(),
    charge: z
      .object({
        chargeId: z.string().optional(),
        status: z.string(),
        amountCents: z.number().int(),
        currency: z.string(),
        refundedCents: z.number().int(),
      })
      .optional(),
    refunds: z.array(z.object({ refundId: z.string(), amountCents: z.number().int(), at: z.string() })),
    ledger: z.array(LedgerEntry),
  })
  .openapi('Payment');
