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

/** What the provider holds under a charge's idempotency key. */
export interface CapturedCharge {
  providerChargeId: string;
  amountCents: number;
  currency: string;
  /** How much of it has been refunded so far. */
  refundedCents: number;
}

export interface PaymentProvider {
  readonly name: string;
  charge(request: ChargeRequest): Promise<{ providerChargeId: string }>;
  refund(request: RefundRequest): Promise<{ providerRefundId: string }>;
  /**
   * The charge captured under this idempotency key, or undefined if the provider never captured one.
   * A charge whose outcome we never recorded (the process died after the provider answered) is
   * resolved by asking this; it throws ProviderUnavailable when the provider cannot say right now.
   */
  findCharge(idempotencyKey: string): Promise<CapturedCharge | undefined>;
}
