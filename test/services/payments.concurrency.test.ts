// Payments under 50 concurrent duplicate or conflicting calls, on the real
// Mongo-protocol server and the provider simulator: money moves at most once per
// order — one capture, at most one refund, and a refund racing a charge always
// leaves the customer whole.
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChargeRequest, PaymentProvider, RefundRequest } from '../../services/payments/provider.js';
import { SimulatedProvider } from '../../services/payments/simulator.js';
import { PaymentsStore } from '../../services/payments/store.js';
import { testDb, type TestDb } from '../support/stack.js';

/** The simulator, counting the distinct captures and refunds it made. */
class CountingProvider implements PaymentProvider {
  readonly name = 'simulator';
  readonly sim: SimulatedProvider;
  constructor(db: Db) {
    this.sim = new SimulatedProvider(db, { slowMs: 30 });
  }
  readonly captures = new Set<string>();
  readonly refunds = new Set<string>();
  async charge(request: ChargeRequest) {
    const result = await this.sim.charge(request);
    this.captures.add(result.providerChargeId);
    return result;
  }
  async refund(request: RefundRequest) {
    const result = await this.sim.refund(request);
    this.refunds.add(result.providerRefundId);
    return result;
  }
  findCharge(key: string) {
    return this.sim.findCharge(key);
  }
}

let mongo: TestDb;
let simulatorDb: TestDb;
let provider: CountingProvider;
let store: PaymentsStore;

beforeAll(async () => {
  mongo = await testDb('payments_conc');
  simulatorDb = await testDb('payment_simulator_conc');
  provider = new CountingProvider(simulatorDb.db);
  await provider.sim.ensureIndexes();
  store = new PaymentsStore(mongo.db, provider);
  await store.ensureIndexes();
});
afterAll(async () => {
  await mongo.close();
  await simulatorDb.close();
});

const settle = <T>(n: number, f: (i: number) => Promise<T>) => Promise.allSettled(Array.from({ length: n }, (_, i) => f(i)));
const values = <T>(results: Array<PromiseSettledResult<T>>) => results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
const errorTypes = <T>(results: Array<PromiseSettledResult<T>>) =>
  results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { type?: string }).type ?? String(r.reason)] : []));
const ledgerOf = (orderId: string) => store.ledger.find({ orderId }).toArray();

describe('payments under 50 concurrent calls', () => {
  it('charge ×50: one capture at the provider, one ledger entry, the same answer for all', async () => {
    const before = provider.captures.size;
    const results = await settle(50, () => store.charge('pc-1', 2500, 'EUR', 'tok_visa'));
    const answers = values(results);
    expect(answers).toHaveLength(50);
    expect(new Set(answers.map((a) => a.chargeId)).size).toBe(1);
    expect(provider.captures.size - before).toBe(1);
    expect(await ledgerOf('pc-1')).toMatchObject([{ _id: 'pc-1:charge', type: 'charge', amountCents: 2500 }]);
    expect(await store.charges.findOne({ _id: 'pc-1' })).toMatchObject({ status: 'CAPTURED', providerChargeId: answers[0]!.chargeId });
  });

  it('charge ×50 with a slow provider: still one capture', async () => {
    const before = provider.captures.size;
    const answers = values(await settle(50, () => store.charge('pc-slow', 900, 'EUR', 'tok_slow')));
    expect(answers).toHaveLength(50);
    expect(new Set(answers.map((a) => a.chargeId)).size).toBe(1);
    expect(provider.captures.size - before).toBe(1);
    expect(await ledgerOf('pc-slow')).toHaveLength(1);
  });

  it('a declined charge ×50: every call PaymentDeclined, nothing captured or recorded', async () => {
    const results = await settle(50, () => store.charge('pd-1', 2500, 'EUR', 'tok_declined'));
    expect(errorTypes(results)).toEqual(Array(50).fill('PaymentDeclined'));
    expect(await store.charges.findOne({ _id: 'pd-1' })).toMatchObject({ status: 'DECLINED' });
    expect(await ledgerOf('pd-1')).toEqual([]);
  });

  it('refund ×50: one refund at the provider, one ledger entry, the same answer for all', async () => {
    await store.charge('pr-1', 4200, 'EUR', 'tok_visa');
    const before = provider.refunds.size;
    const answers = values(await settle(50, () => store.refund('pr-1')));
    expect(answers).toHaveLength(50);
    expect(new Set(answers.map((a) => JSON.stringify(a)))).toEqual(
      new Set([JSON.stringify({ refunded: true, refundId: 'rf_pr-1', amountCents: 4200 })]),
    );
    expect(provider.refunds.size - before).toBe(1);
    expect((await ledgerOf('pr-1')).map((e) => e._id).sort()).toEqual(['pr-1:charge', 'pr-1:refund']);
    expect(await provider.findCharge('pr-1:charge')).toMatchObject({ amountCents: 4200, refundedCents: 4200 });
  });

  for (const token of ['tok_visa', 'tok_slow']) {
    it(`charge racing refund (25 + 25, ${token}): at most one capture, every call answers as its order allows, the customer ends whole, and both orders occur`, async () => {
      const seen = { capturedThenRefunded: 0, voidedBeforeCapture: 0 };
      // The refunds start later and later (0 ms up to well past a capture), so each order of
      // events gets its turn; rounds go on (up to a cap) until both were seen.
      const delays = [0, 2, 5, 10, 25, 60, 150];
      for (let n = 0; n < 35 && (n < 5 || !seen.capturedThenRefunded || !seen.voidedBeforeCapture); n++) {
        const orderId = `race-${token}-${n}`;
        const results = await settle(50, async (i) => {
          if (i % 2) {
            await new Promise((r) => setTimeout(r, delays[n % delays.length]));
            return store.refund(orderId);
          }
          return store.charge(orderId, 1000, 'EUR', token);
        });
        const charges = results.filter((_, i) => i % 2 === 0);
        const refunds = results.filter((_, i) => i % 2 === 1);
        const held = await provider.findCharge(`${orderId}:charge`);
        if (held) expect(held.refundedCents).toBe(held.amountCents);
        const doc = (await store.charges.findOne({ _id: orderId }))!;
        const ledger = await ledgerOf(orderId);
        const sum = (type: string) => ledger.filter((e) => e.type === type).reduce((s, e) => s + e.amountCents, 0);
        expect(ledger.filter((e) => e.type === 'charge').length).toBeLessThanOrEqual(1);
        expect(sum('refund')).toBe(sum('charge'));
        // Every refund succeeds, and all of them answer the same: what happened to the money.
        for (const r of refunds) expect(r.status, JSON.stringify(r)).toBe('fulfilled');
        const refundAnswers = new Set(values(refunds).map((a) => JSON.stringify(a)));
        if (doc.status === 'CAPTURED') {
          // the charge went through first: it is refunded in full, once, and every refund says so
          seen.capturedThenRefunded++;
          expect(doc.refundedCents).toBe(1000);
          expect(sum('charge')).toBe(1000);
          expect(refundAnswers).toEqual(new Set([JSON.stringify({ refunded: true, refundId: `rf_${orderId}`, amountCents: 1000 })]));
          // a charge either answered the one capture or found the payment voided
          const ids = new Set(values(charges).map((c) => (c as { chargeId: string }).chargeId));
          expect(ids.size).toBe(1);
          expect(errorTypes(charges).every((t) => t === 'InvalidState')).toBe(true);
        } else {
          // the refund came first: the payment is voided, and no charge went through; a capture a
          // charge attempt made at the provider all the same was given back in full (as the ledger shows)
          seen.voidedBeforeCapture++;
          expect(doc.status).toBe('VOIDED');
          expect(sum('charge')).toBe(held ? 1000 : 0);
          expect(refundAnswers).toEqual(new Set([JSON.stringify({ refunded: false, amountCents: 0 })]));
          expect(errorTypes(charges)).toEqual(Array(25).fill('InvalidState'));
        }
      }
      console.log(`charge racing refund (${token}): ${JSON.stringify(seen)}`);
      expect(seen.capturedThenRefunded, 'rounds in which the charge came first').toBeGreaterThan(0);
      expect(seen.voidedBeforeCapture, 'rounds in which the refund came first').toBeGreaterThan(0);
    });
  }

  it('a refund before any charge leaves a tombstone: 50 late charges capture nothing', async () => {
    expect(await store.refund('pt-1')).toEqual({ refunded: false, amountCents: 0 });
    const results = await settle(50, () => store.charge('pt-1', 1000, 'EUR', 'tok_visa'));
    expect(errorTypes(results)).toEqual(Array(50).fill('InvalidState'));
    expect(await provider.findCharge('pt-1:charge')).toBeUndefined();
    expect(await ledgerOf('pt-1')).toEqual([]);
    expect(await store.view('pt-1')).toBeUndefined();
  });
});
