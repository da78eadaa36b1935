// A payment-provider SIMULATOR for development and tests, not a real provider.
// Test tokens (docs/api.md): tok_visa succeeds; tok_declined is declined; tok_flaky
// fails transiently a few times per payment, then succeeds; tok_slow succeeds
// slowly. Like real providers it deduplicates by idempotency key, remembers what
// it captured under each key (findCharge answers from that), and refuses to
// refund more than a charge captured.
//
// Its memory is a database of its own (`payment_simulator` beside the services'
// databases), not the payments process: a real provider keeps its captures when
// our process dies, and a simulator that forgot them on a kill would let a
// charge captured just before the kill be captured again after it, unseen by
// anyone (the chaos run kills payments for real, and the audit reconciles our
// ledger with what the provider holds). One document per charge idempotency key
// holds the capture and its refunds; each capture and each refund is one
// guarded single-document write, so duplicates racing each other move money once.
import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { insertIfNew } from '../../shared/mongo.js';
import {
  ProviderDeclined,
  ProviderUnavailable,
  type CapturedCharge,
  type ChargeRequest,
  type PaymentProvider,
  type RefundRequest,
} from './provider.js';

export interface SimulatorOptions {
  /** How many calls of a tok_flaky payment fail before one succeeds. */
  flakyFailures?: number;
  /** How long tok_slow takes to answer. */
  slowMs?: number;
}

export const TEST_TOKENS = ['tok_visa', 'tok_declined', 'tok_flaky', 'tok_slow'] as const;

/** The simulator's database beside the services' (MONGO_DB_PREFIX applies): what the "provider" holds. */
export const SIMULATOR_DB = 'payment_simulator';

/** A capture under one idempotency key, with the refunds made of it. */
export interface SimulatedCharge {
  _id: string;
  providerChargeId: string;
  amountCents: number;
  currency: string;
  refundedCents: number;
  refunds: Array<{ key: string; providerRefundId: string; amountCents: number }>;
  at: Date;
}

export class SimulatedProvider implements PaymentProvider {
  readonly name = 'simulator';
  readonly charges: Collection<SimulatedCharge>;
  /** Calls per tok_flaky idempotency key, so its failures are counted across restarts too. */
  private readonly flakyCalls: Collection<{ _id: string; calls: number }>;

  constructor(
    db: Db,
    private readonly options: SimulatorOptions = {},
  ) {
    this.charges = db.collection<SimulatedCharge>('charges');
    this.flakyCalls = db.collection('flaky_calls');
  }

  async ensureIndexes(): Promise<void> {
    await this.charges.createIndex({ providerChargeId: 1 }, { unique: true });
  }

  async charge(request: ChargeRequest): Promise<{ providerChargeId: string }> {
    const known = await this.charges.findOne({ _id: request.idempotencyKey });
    if (known) return { providerChargeId: known.providerChargeId };
    switch (request.token) {
      case 'tok_visa':
        break;
      case 'tok_declined':
        throw new ProviderDeclined('card declined (simulator: tok_declined)');
      case 'tok_flaky': {
        const before = await this.flakyCalls.findOneAndUpdate(
          { _id: request.idempotencyKey },
          { $inc: { calls: 1 } },
          { upsert: true, returnDocument: 'before' },
        );
        const calls = (before?.calls ?? 0) + 1;
        if (calls <= (this.options.flakyFailures ?? 2))
          throw new ProviderUnavailable(`provider unavailable (simulator: tok_flaky, call ${calls})`);
        break;
      }
      case 'tok_slow':
        await new Promise((resolve) => setTimeout(resolve, this.options.slowMs ?? 3_000));
        break;
      default:
        throw new ProviderDeclined(`unknown payment token (simulator understands ${TEST_TOKENS.join(', ')})`);
    }
    // A slow duplicate may capture meanwhile: the key's unique _id keeps it one charge per key.
    const capture: SimulatedCharge = {
      _id: request.idempotencyKey,
      providerChargeId: `ch_sim_${randomUUID()}`,
      amountCents: request.amountCents,
      currency: request.currency,
      refundedCents: 0,
      refunds: [],
      at: new Date(),
    };
    if (await insertIfNew(this.charges, capture)) return { providerChargeId: capture.providerChargeId };
    return { providerChargeId: (await this.charges.findOne({ _id: request.idempotencyKey }))!.providerChargeId };
  }

  async refund(request: RefundRequest): Promise<{ providerRefundId: string }> {
    for (;;) {
      const charge = await this.charges.findOne({ providerChargeId: request.providerChargeId });
      if (!charge) throw new ProviderDeclined(`no charge ${request.providerChargeId} to refund (simulator)`);
      const known = charge.refunds.find((r) => r.key === request.idempotencyKey);
      if (known) return { providerRefundId: known.providerRefundId };
      if (charge.refundedCents + request.amountCents > charge.amountCents) {
        throw new ProviderDeclined(
          `refund of ${request.amountCents} exceeds what is left of charge ${request.providerChargeId} (simulator)`,
        );
      }
      const providerRefundId = `re_sim_${randomUUID()}`;
      // Guarded by the refunded total read above: a concurrent refund makes this one look again.
      const refunded = await this.charges.updateOne(
        { _id: charge._id, refundedCents: charge.refundedCents, 'refunds.key': { $ne: request.idempotencyKey } },
        {
          $inc: { refundedCents: request.amountCents },
          $push: { refunds: { key: request.idempotencyKey, providerRefundId, amountCents: request.amountCents } },
        },
      );
      if (refunded.matchedCount === 1) return { providerRefundId };
    }
  }

  async findCharge(idempotencyKey: string): Promise<CapturedCharge | undefined> {
    const charge = await this.charges.findOne({ _id: idempotencyKey });
    return charge
      ? {
          providerChargeId: charge.providerChargeId,
          amountCents: charge.amountCents,
          currency: charge.currency,
          refundedCents: charge.refundedCents,
        }
      : undefined;
  }
}
