// A payment-provider SIMULATOR for development and tests, not a real provider.
// Test tokens (API.md): tok_visa succeeds; tok_declined is declined; tok_flaky
// fails transiently a few times per payment, then succeeds; tok_slow succeeds
// slowly. Like real providers it deduplicates by idempotency key, remembers what
// it captured under each key (findCharge answers from that), and refuses to
// refund more than a charge captured. Its memory lives in the process.
import { randomUUID } from 'node:crypto';
import { ProviderDeclined, ProviderUnavailable, type CapturedCharge, type ChargeRequest, type PaymentProvider, type RefundRequest } from './provider.js';

export interface SimulatorOptions {
  /** How many calls of a tok_flaky payment fail before one succeeds. */
  flakyFailures?: number;
  /** How long tok_slow takes to answer. */
  slowMs?: number;
}

export const TEST_TOKENS = ['tok_visa', 'tok_declined', 'tok_flaky', 'tok_slow'] as const;

export class SimulatedProvider implements PaymentProvider {
  readonly name = 'simulator';
  /** Captured charges by idempotency key. */
  private readonly charges = new Map<string, CapturedCharge>();
  /** The idempotency key of each captured charge, by provider charge id. */
  private readonly chargeKeys = new Map<string, string>();
  private readonly refunds = new Map<string, string>();
  private readonly flakyCalls = new Map<string, number>();

  constructor(private readonly options: SimulatorOptions = {}) {}

  async charge(request: ChargeRequest): Promise<{ providerChargeId: string }> {
    const known = this.charges.get(request.idempotencyKey);
    if (known) return { providerChargeId: known.providerChargeId };
    switch (request.token) {
      case 'tok_visa':
        break;
      case 'tok_declined':
        throw new ProviderDeclined('card declined (simulator: tok_declined)');
      case 'tok_flaky': {
        const calls = (this.flakyCalls.get(request.idempotencyKey) ?? 0) + 1;
        this.flakyCalls.set(request.idempotencyKey, calls);
        if (calls <= (this.options.flakyFailures ?? 2)) throw new ProviderUnavailable(`provider unavailable (simulator: tok_flaky, call ${calls})`);
        break;
      }
      case 'tok_slow':
        await new Promise((resolve) => setTimeout(resolve, this.options.slowMs ?? 3_000));
        break;
      default:
        throw new ProviderDeclined(`unknown payment token (simulator understands ${TEST_TOKENS.join(', ')})`);
    }
    // A slow duplicate may have captured meanwhile: still one charge per key.
    const captured = this.charges.get(request.idempotencyKey);
    if (captured) return { providerChargeId: captured.providerChargeId };
    const providerChargeId = `ch_sim_${randomUUID()}`;
    this.charges.set(request.idempotencyKey, { providerChargeId, amountCents: request.amountCents, currency: request.currency, refundedCents: 0 });
    this.chargeKeys.set(providerChargeId, request.idempotencyKey);
    return { providerChargeId };
  }

  async refund(request: RefundRequest): Promise<{ providerRefundId: string }> {
    const known = this.refunds.get(request.idempotencyKey);
    if (known) return { providerRefundId: known };
    const chargeKey = this.chargeKeys.get(request.providerChargeId);
    const charge = chargeKey === undefined ? undefined : this.charges.get(chargeKey);
    if (charge && charge.refundedCents + request.amountCents > charge.amountCents) {
      throw new ProviderDeclined(`refund of ${request.amountCents} exceeds what is left of charge ${request.providerChargeId} (simulator)`);
    }
    if (charge) charge.refundedCents += request.amountCents;
    const providerRefundId = `re_sim_${randomUUID()}`;
    this.refunds.set(request.idempotencyKey, providerRefundId);
    return { providerRefundId };
  }

  async findCharge(idempotencyKey: string): Promise<CapturedCharge | undefined> {
    const charge = this.charges.get(idempotencyKey);
    return charge ? { ...charge } : undefined;
  }
}
