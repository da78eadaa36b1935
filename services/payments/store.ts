// Charges and refunds, one of each at most per order, and the ledger that
// records every money movement. Each effect is guarded by a state transition on
// the order's charge document, and the provider deduplicates by idempotency key,
// so a retried or duplicated activity never moves money twice. Nothing is locked:
// concurrent duplicates may each call the provider, but always under the same
// key (one capture, one refund), and of their writes only the conditional
// transition out of PENDING applies once; the others find its outcome:
//
//   PENDING -> CAPTURED   the provider captured (recorded by the charge, or by a refund that asked it)
//   PENDING -> DECLINED   the provider declined
//   PENDING -> VOIDED     a refund found no capture: the charge may never capture afterwards; a capture
//                         that lands anyway (a request still in flight) is given back by whoever sees it
//   (none)  -> VOIDED     a refund that came before any charge leaves a tombstone, so a charge attempt
//                         still on its way finds the payment voided instead of capturing
//
// The ledger's _ids (`<orderId>:charge|refund|void`) make each entry unique.
//
// A charge left PENDING (the process died between the provider's answer and our
// write) is never guessed at: the retried charge and the refund both ask the
// provider what it holds under the charge's idempotency key, then record the
// capture it reports (and refund it) or void the charge if there is none.
import type { Collection, Db } from 'mongodb';
import { DomainError } from '../../shared/domain/errors.js';
import { insertIfNew } from '../../shared/mongo.js';
import { ProviderDeclined, type CapturedCharge, type PaymentProvider } from './provider.js';

type ChargeStatus = 'PENDING' | 'CAPTURED' | 'DECLINED' | 'VOIDED';

interface ChargeDoc {
  _id: string; // the order id
  status: ChargeStatus;
  amountCents: number;
  currency: string;
  provider: string;
  providerChargeId?: string;
  /** What the provider captured (set with providerChargeId). */
  capturedCents?: number;
  declineReason?: string;
  refundId?: string;
  refundedCents: number;
  refundedAt?: Date;
  /** A tombstone: a refund came before any charge (see below). */
  voidedBeforeCharge?: boolean;
  createdAt: Date;
  updatedAt: Date;
}

interface LedgerDoc {
  // `${orderId}:charge` | `${orderId}:refund` | `${orderId}:void` (a capture that landed after its
  // charge was voided, given back at once): at most one of each per order
  _id: string;
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

const NOTHING_REFUNDED: RefundResult = { refunded: false, amountCents: 0 };

/** The provider idempotency keys of an order's money movements. */
const keys = {
  charge: (orderId: string) => `${orderId}:charge`,
  refund: (orderId: string) => `${orderId}:refund`,
  void: (orderId: string) => `${orderId}:void`,
};

export class PaymentsStore {
  readonly charges: Collection<ChargeDoc>;
  readonly ledger: Collection<LedgerDoc>;

  constructor(
    db: Db,
    private readonly provider: PaymentProvider,
  ) {
    this.charges = db.collection<ChargeDoc>('charges');
    this.ledger = db.collection<LedgerDoc>('ledger');
  }

  async ensureIndexes(): Promise<void> {
    await this.ledger.createIndex({ orderId: 1, at: 1 });
  }

  /** Charges the order once: a repeat answers as the first attempt ended (captured, declined or voided). */
  async charge(orderId: string, amountCents: number, currency: string, token: string): Promise<ChargeResult> {
    const doc = await this.startCharge(orderId, amountCents, currency);
    if (doc.status === 'CAPTURED') {
      await this.writeChargeLedger(doc); // the attempt that captured may have died before its ledger entry
      return { chargeId: doc.providerChargeId!, amountCents: doc.capturedCents! };
    }
    // PENDING and the provider holds nothing: charge under the order's key. A duplicate doing the
    // same at this moment gets the same capture from the provider.
    const providerChargeId = await this.captureAtProvider(doc, token);
    await this.recordOwnCapture(doc, providerChargeId);
    return { chargeId: providerChargeId, amountCents };
  }

  /** A new PENDING charge, or the one an earlier attempt began (see `resumeCharge`). */
  private async startCharge(orderId: string, amountCents: number, currency: string): Promise<ChargeDoc> {
    const now = new Date();
    const doc: ChargeDoc = {
      _id: orderId,
      status: 'PENDING',
      amountCents,
      currency,
      provider: this.provider.name,
      refundedCents: 0,
      createdAt: now,
      updatedAt: now,
    };
    if (await insertIfNew(this.charges, doc)) return doc;
    return this.resumeCharge(orderId, amountCents, currency);
  }

  /**
   * The charge an earlier attempt began, with its outcome settled: CAPTURED, or PENDING when the
   * provider holds no capture for it either. Throws for a decline, a void or another amount.
   */
  private async resumeCharge(orderId: string, amountCents: number, currency: string): Promise<ChargeDoc> {
    let doc = (await this.charges.findOne({ _id: orderId }))!;
    if (doc.status === 'VOIDED') {
      // A capture that reached the provider after the void (a request of a dead attempt still in flight) goes back now.
      const late = await this.provider.findCharge(keys.charge(orderId));
      if (late) await this.giveBackLateCapture(doc, late);
      throw new DomainError('InvalidState', `the payment of order ${orderId} was voided`);
    }
    if (doc.amountCents !== amountCents || doc.currency !== currency) {
      throw new DomainError(
        'InvalidInput',
        `order ${orderId} was charged ${doc.amountCents} ${doc.currency} before, not ${amountCents} ${currency}`,
      );
    }
    if (doc.status === 'PENDING') {
      // An earlier attempt did not finish: if the provider captured for it, that capture is the charge.
      const captured = await this.provider.findCharge(keys.charge(orderId));
      if (captured) doc = await this.recordCapture(doc, captured);
    }
    if (doc.status === 'DECLINED') throw new DomainError('PaymentDeclined', doc.declineReason ?? 'payment declined');
    if (doc.status === 'VOIDED') throw new DomainError('InvalidState', `the payment of order ${orderId} was voided`); // voided while we asked
    return doc;
  }

  /** The provider's charge id of the capture under the order's key; a decline is recorded on the PENDING charge and thrown. */
  private async captureAtProvider(doc: ChargeDoc, token: string): Promise<string> {
    const { _id: orderId, amountCents, currency } = doc;
    try {
      const { providerChargeId } = await this.provider.charge({ idempotencyKey: keys.charge(orderId), amountCents, currency, token });
      return providerChargeId;
    } catch (error) {
      if (!(error instanceof ProviderDeclined)) throw error; // transient: the activity retries
      await this.charges.updateOne(
        { _id: orderId, status: 'PENDING' },
        { $set: { status: 'DECLINED', declineReason: error.message, updatedAt: new Date() } },
      );
      throw new DomainError('PaymentDeclined', error.message);
    }
  }

  /** This attempt's capture makes the PENDING charge CAPTURED, unless a refund voided it meanwhile: then the money goes back. */
  private async recordOwnCapture(doc: ChargeDoc, providerChargeId: string): Promise<void> {
    const { _id: orderId, amountCents, currency } = doc;
    const captured = await this.charges.updateOne(
      { _id: orderId, status: 'PENDING' },
      { $set: { status: 'CAPTURED', providerChargeId, capturedCents: amountCents, updatedAt: new Date() } },
    );
    if (captured.modifiedCount === 0) {
      // A duplicate (or a refund that asked the provider) recorded this same capture first, or a refund voided it.
      const current = (await this.charges.findOne({ _id: orderId }))!;
      if (current.status === 'VOIDED') {
        // A refund overtook this slow attempt and voided the payment: give the money back now.
        await this.giveBackLateCapture(current, { providerChargeId, amountCents, currency, refundedCents: 0 });
        throw new DomainError('InvalidState', `the payment of order ${orderId} was voided while it was being charged`);
      }
    }
    await this.writeChargeLedger({ ...doc, status: 'CAPTURED', providerChargeId, capturedCents: amountCents });
  }

  /** Refunds the whole charge once; without a captured charge there is nothing to refund. */
  async refund(orderId: string): Promise<RefundResult> {
    const charge = await this.captureToRefund(orderId);
    return charge ? this.refundCapture(charge) : NOTHING_REFUNDED;
  }

  /**
   * The order's CAPTURED charge, once its outcome is known; undefined when nothing was captured,
   * after making sure nothing ever will be (a tombstone, a void, a late capture given back).
   */
  private async captureToRefund(orderId: string): Promise<ChargeDoc | undefined> {
    let charge = await this.charges.findOne({ _id: orderId });
    // Lost the race for the tombstone: a charge began; look again.
    if (!charge) return (await this.leaveTombstone(orderId)) ? undefined : this.captureToRefund(orderId);
    if (charge.status === 'VOIDED') {
      // Voided, but a capture may have landed afterwards and its charge attempt died before giving it back.
      const late = await this.provider.findCharge(keys.charge(orderId));
      if (late) await this.giveBackLateCapture(charge, late);
      return undefined;
    }
    if (charge.status === 'PENDING') {
      // Its outcome was never recorded: the provider says whether it captured. A capture is refunded;
      // without one the charge is voided, so it can never be captured afterwards.
      const captured = await this.provider.findCharge(keys.charge(orderId));
      charge = captured ? await this.recordCapture(charge, captured) : await this.voidPending(charge);
    }
    if (charge.status !== 'CAPTURED') return undefined;
    await this.writeChargeLedger(charge);
    return charge;
  }

  /**
   * A refund before any charge: the charge may still be on its way (its activity timed out before it
   * wrote anything), and the tombstone makes it find the payment voided. False when a charge began first.
   */
  private async leaveTombstone(orderId: string): Promise<boolean> {
    const now = new Date();
    const tombstone: ChargeDoc = {
      _id: orderId,
      status: 'VOIDED',
      amountCents: 0,
      currency: '',
      provider: this.provider.name,
      refundedCents: 0,
      voidedBeforeCharge: true,
      createdAt: now,
      updatedAt: now,
    };
    return insertIfNew(this.charges, tombstone);
  }

  private async refundCapture(charge: ChargeDoc): Promise<RefundResult> {
    const orderId = charge._id;
    // Duplicates all reach here with the same refund id and provider key: one refund at the provider.
    const refundId = charge.refundId ?? `rf_${orderId}`;
    if (!charge.refundId)
      await this.charges.updateOne({ _id: orderId, refundId: { $exists: false } }, { $set: { refundId, updatedAt: new Date() } });

    const amountCents = Math.min(charge.capturedCents!, charge.amountCents); // a full refund: never more than what was charged
    const { providerRefundId } = await this.provider.refund({
      idempotencyKey: keys.refund(orderId),
      providerChargeId: charge.providerChargeId!,
      amountCents,
    });
    await this.charges.updateOne(
      { _id: orderId, refundedCents: 0 },
      { $set: { refundedCents: amountCents, refundedAt: new Date(), updatedAt: new Date() } },
    );
    await this.writeLedger({
      _id: `${orderId}:refund`,
      orderId,
      type: 'refund',
      amountCents,
      currency: charge.currency,
      reference: providerRefundId,
      at: new Date(),
    });
    return { refunded: true, refundId, amountCents };
  }

  /** A PENDING charge the provider did capture becomes CAPTURED with the provider's charge id (and its ledger entry). */
  private async recordCapture(doc: ChargeDoc, captured: CapturedCharge): Promise<ChargeDoc> {
    const fields = {
      status: 'CAPTURED' as const,
      providerChargeId: captured.providerChargeId,
      capturedCents: captured.amountCents,
      updatedAt: new Date(),
    };
    const result = await this.charges.updateOne({ _id: doc._id, status: 'PENDING' }, { $set: fields });
    // A duplicate may have resolved it first (the same capture), or a refund voided it: the stored outcome stands.
    const current = result.modifiedCount === 1 ? { ...doc, ...fields } : (await this.charges.findOne({ _id: doc._id }))!;
    if (current.status === 'CAPTURED') await this.writeChargeLedger(current);
    return current;
  }

  private async voidPending(doc: ChargeDoc): Promise<ChargeDoc> {
    const fields = { status: 'VOIDED' as const, updatedAt: new Date() };
    const result = await this.charges.updateOne({ _id: doc._id, status: 'PENDING' }, { $set: fields });
    return result.modifiedCount === 1 ? { ...doc, ...fields } : (await this.charges.findOne({ _id: doc._id }))!;
  }

  /** A capture that landed on a VOIDED charge: refund all of it under its own key, and record both movements. */
  private async giveBackLateCapture(doc: ChargeDoc, captured: CapturedCharge): Promise<void> {
    const orderId = doc._id;
    const { providerRefundId } = await this.provider.refund({
      idempotencyKey: keys.void(orderId),
      providerChargeId: captured.providerChargeId,
      amountCents: captured.amountCents,
    });
    const now = new Date();
    await this.charges.updateOne(
      { _id: orderId, status: 'VOIDED' },
      {
        $set: {
          providerChargeId: captured.providerChargeId,
          capturedCents: captured.amountCents,
          refundedCents: captured.amountCents,
          refundedAt: now,
          updatedAt: now,
        },
      },
    );
    await this.writeLedger({
      _id: `${orderId}:charge`,
      orderId,
      type: 'charge',
      amountCents: captured.amountCents,
      currency: captured.currency,
      reference: captured.providerChargeId,
      at: now,
    });
    await this.writeLedger({
      _id: `${orderId}:void`,
      orderId,
      type: 'refund',
      amountCents: captured.amountCents,
      currency: captured.currency,
      reference: providerRefundId,
      at: new Date(),
    });
  }

  private async writeChargeLedger(doc: ChargeDoc): Promise<void> {
    await this.writeLedger({
      _id: `${doc._id}:charge`,
      orderId: doc._id,
      type: 'charge',
      amountCents: doc.capturedCents!,
      currency: doc.currency,
      reference: doc.providerChargeId!,
      at: new Date(),
    });
  }

  async view(orderId: string) {
    const [stored, ledger] = await Promise.all([
      this.charges.findOne({ _id: orderId }),
      this.ledger.find({ orderId }).sort({ at: 1, type: 1 }).toArray(),
    ]); // a charge before its refund within one ms
    const charge = stored?.voidedBeforeCharge && !stored.providerChargeId ? null : stored; // a tombstone is no payment
    if (!charge && ledger.length === 0) return undefined;
    return {
      orderId,
      ...(charge
        ? {
            charge: {
              ...(charge.providerChargeId ? { chargeId: charge.providerChargeId } : {}),
              status: charge.status,
              amountCents: charge.amountCents,
              currency: charge.currency,
              refundedCents: charge.refundedCents,
            },
          }
        : {}),
      refunds:
        charge?.refundId && charge.refundedAt
          ? [{ refundId: charge.refundId, amountCents: charge.refundedCents, at: charge.refundedAt.toISOString() }]
          : [],
      ledger: ledger.map((e) => ({ id: e._id, type: e.type, amountCents: e.amountCents, currency: e.currency, at: e.at.toISOString() })),
    };
  }

  private async writeLedger(entry: LedgerDoc): Promise<void> {
    await insertIfNew(this.ledger, entry); // false: the entry is there already, which is all this asks
  }
}
