// The payment provider seen through the one interface the store needs. The
// simulator is the default; a real provider (Stripe, Adyen, ...) implements the
// same interface and is chosen by PAYMENT_PROVIDER.

/** The provider refused the payment for good (card declined): retrying cannot help. */
export class ProviderDeclined extends Error {
  override name = 'ProviderDeclined';
}

/** A transient provider problem (timeout, 5xx): the same call may succeed later. */
export class ProviderUnavailable extends Error {
  override name = 'ProviderUnavailable';
}

export interface ChargeRequest {
  /** The provider deduplicates on this key, so a retried call never charges twice. */
  idempotencyKey: string;
  amountCents: number;
  currency: string;
  token: string;
}

export interface RefundRequest {
  idempotencyKey: string;
  providerChargeId: string;
  amountCents: number;
}

export interface PaymentProvider {
  readonly name: string;
  charge(request: ChargeRequest): Promise<{ providerChargeId: string }>;
  refund(request: RefundRequest): Promise<{ providerRefundId: string }>;
}
