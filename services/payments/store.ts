// Charges and refunds, one of each at most per order, and the ledger that
// records every money movement. Each effect is guarded by a state transition on
// the order's charge document, and the provider deduplicates by idempotency key,
// so a retried or duplicated activity never moves money twice.
import type { Collection, Db } from 'mongodb';
import { BusinessError } from '../../shared/activity-failure.js';
import { isDuplicateKeyError } from '../../shared/mongo.js';
import { MongoLocks } from '../../shared/mongo-lock.js';
import { ProviderDeclined, type PaymentProvider } from './provider.js';

type ChargeStatus = 'PENDING' | 'CAPTURED' | 'DECLINED' | 'VOIDED';

interface ChargeDoc {
  _id: string; // the order id
  status: ChargeStatus;
  amountCents: number;
  currency: string;
  provider: string;
  providerChargeId?: string;
  declineReason?: string;
  refundId?: string;
  refundedCents: number;
  refundedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

interface LedgerDoc {
  _id: string; // `${orderId}:charge` | `${orderId}:refund`: one of each per order
  orderId: string;
  type: 'charge' | 'refund';
  amountCents: number;
  currency: string;
  reference: string;
  at: Date;
}

export interface ChargeResult {
  chargeId: string;
  amountCents: number;
}

export interface RefundResult {
  refunded: boolean;
  refundId?: string;
  amountCents: number;
}

export class PaymentsStore {
  readonly charges: Collection<ChargeDoc>;
  readonly ledger: Collection<LedgerDoc>;

  private readonly locks: MongoLocks;

  constructor(db: Db, private readonly provider: PaymentProvider) {
    this.charges = db.collection<ChargeDoc>('charges');
    this.ledger = db.collection<LedgerDoc>('ledger');
    this.locks = new MongoLocks(db, 60_000);
  }

  /** Charges and refunds of one order never run at the same time (a duplicate waits and then sees the first's outcome). */
  charge(orderId: string, amountCents: number, currency: string, token: string): Promise<ChargeResult> {
    return this.locks.withLock(`payment:${orderId}`, () => this.chargeOnce(orderId, amountCents, currency, token));
  }

  refund(orderId: string): Promise<RefundResult> {
    return this.locks.withLock(`payment:${orderId}`, () => this.refundOnce(orderId));
  }

  async ensureIndexes(): Promise<void> {
    await this.ledger.createIndex({ orderId: 1, at: 1 });
  }

  private async chargeOnce(orderId: string, amountCents: number, currency: string, token: string): Promise<ChargeResult> {
    const now = new Date();
    let doc: ChargeDoc = { _id: orderId, status: 'PENDING', amountCents, currency, provider: this.provider.name, refundedCents: 0, createdAt: now, updatedAt: now };
    try {
      await this.charges.insertOne(doc);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      doc = (await this.charges.findOne({ _id: orderId }))!;
      if (doc.amountCents !== amountCents || doc.currency !== currency) {
        throw new BusinessError('InvalidInput', `order ${orderId} was charged ${doc.amountCents} ${doc.currency} before, not ${amountCents} ${currency}`);
      }
      if (doc.status === 'CAPTURED') return { chargeId: doc.providerChargeId!, amountCents: doc.amountCents };
      if (doc.status === 'DECLINED') throw new BusinessError('PaymentDeclined', doc.declineReason ?? 'payment declined');
      if (doc.status === 'VOIDED') throw new BusinessError('InvalidState', `the payment of order ${orderId} was voided`);
      // PENDING: an earlier attempt did not finish; ask the provider again under the same key.
    }

    let providerChargeId: string;
    try {
      ({ providerChargeId } = await this.provider.charge({ idempotencyKey: `${orderId}:charge`, amountCents, currency, token }));
    } catch (error) {
      if (!(error instanceof ProviderDeclined)) throw error; // transient: the activity retries
      await this.charges.updateOne({ _id: orderId, status: 'PENDING' }, { $set: { status: 'DECLINED', declineReason: error.message, updatedAt: new Date() } });
      throw new BusinessError('PaymentDeclined', error.message);
    }

    const captured = await this.charges.updateOne(
      { _id: orderId, status: 'PENDING' },
      { $set: { status: 'CAPTURED', providerChargeId, updatedAt: new Date() } },
    );
    if (captured.modifiedCount === 0) {
      const current = (await this.charges.findOne({ _id: orderId }))!;
      if (current.status === 'VOIDED') {
        // A refund overtook this slow attempt and voided the payment: give the money back now.
        await this.provider.refund({ idempotencyKey: `${orderId}:void`, providerChargeId, amountCents });
        throw new BusinessError('InvalidState', `the payment of order ${orderId} was voided while it was being charged`);
      }
    }
    await this.writeLedger({ _id: `${orderId}:charge`, orderId, type: 'charge', amountCents, currency, reference: providerChargeId, at: new Date() });
    return { chargeId: providerChargeId, amountCents };
  }

  /** Refunds the whole charge once; without a captured charge there is nothing to refund. */
  private async refundOnce(orderId: string): Promise<RefundResult> {
    // A charge still being attempted is voided, so it can never be captured afterwards.
    const voided = await this.charges.updateOne({ _id: orderId, status: 'PENDING' }, { $set: { status: 'VOIDED', updatedAt: new Date() } });
    if (voided.modifiedCount === 1) return { refunded: false, amountCents: 0 };

    const doc = await this.charges.findOneAndUpdate(
      { _id: orderId, status: 'CAPTURED', refundId: { $exists: false } },
      { $set: { refundId: `rf_${orderId}`, updatedAt: new Date() } },
      { returnDocument: 'after' },
    );
    const charge = doc ?? (await this.charges.findOne({ _id: orderId }));
    if (!charge || charge.status !== 'CAPTURED' || !charge.refundId) return { refunded: false, amountCents: 0 };

    const amountCents = charge.amountCents; // a full refund: never more than what was charged
    const { providerRefundId } = await this.provider.refund({ idempotencyKey: `${orderId}:refund`, providerChargeId: charge.providerChargeId!, amountCents });
    await this.charges.updateOne({ _id: orderId, refundedCents: 0 }, { $set: { refundedCents: amountCents, refundedAt: new Date(), updatedAt: new Date() } });
    await this.writeLedger({ _id: `${orderId}:refund`, orderId, type: 'refund', amountCents, currency: charge.currency, reference: providerRefundId, at: new Date() });
    return { refunded: true, refundId: charge.refundId, amountCents };
  }

  async view(orderId: string) {
    const [charge, ledger] = await Promise.all([this.charges.findOne({ _id: orderId }), this.ledger.find({ orderId }).sort({ at: 1 }).toArray()]);
    if (!charge && ledger.length === 0) return undefined;
    return {
      orderId,
      ...(charge
        ? { charge: { ...(charge.providerChargeId ? { chargeId: charge.providerChargeId } : {}), status: charge.status, amountCents: charge.amountCents, currency: charge.currency, refundedCents: charge.refundedCents } }
        : {}),
      refunds: charge?.refundId && charge.refundedAt ? [{ refundId: charge.refundId, amountCents: charge.refundedCents, at: charge.refundedAt.toISOString() }] : [],
      ledger: ledger.map((e) => ({ id: e._id, type: e.type, amountCents: e.amountCents, currency: e.currency, at: e.at.toISOString() })),
    };
  }

  private async writeLedger(entry: LedgerDoc): Promise<void> {
    await this.ledger.insertOne(entry).catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    });
  }
}
