import { z } from 'zod';

/** Amounts are integer cents; one order or product never exceeds a million in its currency. */
export const MAX_AMOUNT_CENTS = 100_000_000;
export const AmountCents = z.number().int().min(0).max(MAX_AMOUNT_CENTS);
/** What a product costs: at least one cent. A free product could only be ordered into a charge of 0, which no provider takes. */
export const PriceCents = AmountCents.min(1);
export const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR')
  .meta({ example: 'EUR' });
