// Payments on the real Mongo-protocol server with the provider simulator: one
// charge and at most one refund per order however often the activities run,
// declines as non-retryable failures, provider outages as retryable errors,
// and the payment view for operators only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPaymentsActivities } from '../../services/payments/activities.js';
import { createPaymentsApp } from '../../services/payments/app.js';
import type { ChargeRequest, PaymentProvider, RefundRequest } from '../../services/payments/provider.js';
import { SimulatedProvider } from '../../services/payments/simulator.js';
import { PaymentsStore } from '../../services/payments/store.js';
import { PathsBody, bodyAs } from '../support/bodies.js';
import { call } from '../support/http.js';
import { anyString, stringMatching } from '../support/matchers.js';
import {
  admin,
  appOptions,
  customer,
  expectBusinessFailure,
  expectProblem,
  expectRetryableFailure,
  withAnyInput,
} from '../support/service.js';
import { testDb, type TestDb } from '../support/stack.js';

let mongo: TestDb;
let store: PaymentsStore;
let app: ReturnType<typeof createPaymentsApp>;
const activities = () => createPaymentsActivities(store);
let simulatorDb: TestDb;
let simulator: SimulatedProvider;

/**
 * The same simulator, seen by a payments process that can die around the provider call: `die` makes the
 * next charge end the process before the provider captures ('before') or right after it captured, before
 * the store recorded anything ('after'). It counts the charge requests that reach the provider.
 */
class DyingProvider implements PaymentProvider {
  readonly name = 'simulator';
  die: 'before' | 'after' | undefined;
  chargeRequests = 0;

  async charge(request: ChargeRequest) {
    const die = this.die;
    this.die = undefined;
    if (die === 'before') throw new Error('the process died before the provider charged (test)');
    this.chargeRequests++;
    const result = await simulator.charge(request);
    if (die === 'after') throw new Error('the process died after the provider captured (test)');
    return result;
  }

  refund(request: RefundRequest) {
    return simulator.refund(request);
  }
  findCharge(idempotencyKey: string) {
    return simulator.findCharge(idempotencyKey);
  }
}

const charge = (orderId: string, paymentToken = 'tok_visa', amountCents = 2500) =>
  activities().chargePayment({ orderId, amountCents, currency: 'EUR', paymentToken });
const ledgerOf = (orderId: string) => store.ledger.find({ orderId }).sort({ at: 1, type: 1 }).toArray();

beforeAll(async () => {
  mongo = await testDb('payments');
  simulatorDb = await testDb('payment_simulator');
  simulator = new SimulatedProvider(simulatorDb.db, { slowMs: 50 });
  await simulator.ensureIndexes();
  store = new PaymentsStore(mongo.db, simulator);
  await store.ensureIndexes();
  app = createPaymentsApp({ store, appOptions: appOptions('payments', mongo.db) });
});
afterAll(async () => {
  await mongo.close();
  await simulatorDb.close();
});

describe('chargePayment activity', () => {
  it('charges tok_visa once even when called twice', async () => {
    const first = await charge('p1');
    expect(first).toEqual({ chargeId: stringMatching(/^ch_sim_/), amountCents: 2500 });
    expect(await charge('p1')).toEqual(first);
    const ledger = await ledgerOf('p1');
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ _id: 'p1:charge', type: 'charge', amountCents: 2500, currency: 'EUR', reference: first.chargeId });
    expect(await store.charges.findOne({ _id: 'p1' })).toMatchObject({
      status: 'CAPTURED',
      providerChargeId: first.chargeId,
      refundedCents: 0,
    });
  });

  it('charges once when duplicates race, also for a slow provider', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => charge('p2', 'tok_slow')));
    expect(new Set(results.map((r) => r.chargeId)).size).toBe(1);
    expect(await ledgerOf('p2')).toHaveLength(1);
  });

  it('fails PaymentDeclined for tok_declined, again on a repeat, and moves no money', async () => {
    await expectBusinessFailure(charge('p3', 'tok_declined'), 'PaymentDeclined');
    await expectBusinessFailure(charge('p3', 'tok_declined'), 'PaymentDeclined');
    // a decline is final for the order, even with another card
    await expectBusinessFailure(charge('p3', 'tok_visa'), 'PaymentDeclined');
    expect(await store.charges.findOne({ _id: 'p3' })).toMatchObject({ status: 'DECLINED' });
    expect(await ledgerOf('p3')).toEqual([]);
  });

  it('tok_flaky fails retryably twice, then succeeds with one charge', async () => {
    for (let attempt = 1; attempt <= 2; attempt++) {
      // the provider's outage, reported so that Temporal retries it (not a business failure, not another error)
      await expectRetryableFailure(charge('p4', 'tok_flaky'), 'ProviderUnavailable');
      expect(await ledgerOf('p4')).toEqual([]);
      expect(await store.charges.findOne({ _id: 'p4' })).toMatchObject({ status: 'PENDING' });
    }
    const result = await charge('p4', 'tok_flaky');
    expect(result.amountCents).toBe(2500);
    expect(await charge('p4', 'tok_flaky')).toEqual(result);
    expect(await ledgerOf('p4')).toHaveLength(1);
    expect(await store.charges.findOne({ _id: 'p4' })).toMatchObject({ status: 'CAPTURED', providerChargeId: result.chargeId });
  });

  it('refuses a repeat with another amount or currency (InvalidInput) and charges nothing more', async () => {
    await charge('p5');
    await expectBusinessFailure(charge('p5', 'tok_visa', 9999), 'InvalidInput');
    await expectBusinessFailure(
      activities().chargePayment({ orderId: 'p5', amountCents: 2500, currency: 'USD', paymentToken: 'tok_visa' }),
      'InvalidInput',
    );
    expect(await ledgerOf('p5')).toHaveLength(1);
    expect(await store.charges.findOne({ _id: 'p5' })).toMatchObject({ amountCents: 2500, currency: 'EUR' });
  });

  it('fails InvalidInput (non-retryable) for malformed input and stores nothing', async () => {
    const ok = { orderId: 'p-bad', amountCents: 100, currency: 'EUR', paymentToken: 'tok_visa' };
    for (const input of [
      { ...ok, orderId: '' },
      { ...ok, amountCents: 0 },
      { ...ok, amountCents: -5 },
      { ...ok, amountCents: 1.5 },
      { ...ok, amountCents: '100' },
      { ...ok, currency: 'eur' },
      { ...ok, paymentToken: '' },
      { ...ok, extra: true },
    ]) {
      await expectBusinessFailure(withAnyInput(activities().chargePayment)(input), 'InvalidInput');
    }
    await expectBusinessFailure(activities().refundPayment({ orderId: '' }), 'InvalidInput');
    expect(await store.charges.findOne({ _id: 'p-bad' })).toBeNull();
    expect(await ledgerOf('p-bad')).toEqual([]);
  });
});

describe('refundPayment activity', () => {
  it('refunds the whole charge once, however often it is called', async () => {
    const charged = await charge('r1', 'tok_visa', 4321);
    const first = await activities().refundPayment({ orderId: 'r1' });
    expect(first).toEqual({ refunded: true, refundId: anyString(), amountCents: 4321 });
    expect(await activities().refundPayment({ orderId: 'r1' })).toEqual(first);
    const ledger = await ledgerOf('r1');
    expect(ledger.map((e) => e._id)).toEqual(['r1:charge', 'r1:refund']);
    const [chargeEntry, refundEntry] = ledger;
    expect(refundEntry).toMatchObject({ type: 'refund', amountCents: chargeEntry!.amountCents, currency: 'EUR' });
    expect(await store.charges.findOne({ _id: 'r1' })).toMatchObject({
      status: 'CAPTURED',
      providerChargeId: charged.chargeId,
      refundedCents: 4321,
    });
  });

  it('refunds once when duplicates race', async () => {
    await charge('r2');
    const results = await Promise.all(Array.from({ length: 5 }, () => activities().refundPayment({ orderId: 'r2' })));
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect((await ledgerOf('r2')).filter((e) => e.type === 'refund')).toHaveLength(1);
  });

  it('is a no-op without a charge, or after a decline', async () => {
    expect(await activities().refundPayment({ orderId: 'r3' })).toEqual({ refunded: false, amountCents: 0 });
    expect(await ledgerOf('r3')).toEqual([]);
    await expectBusinessFailure(charge('r4', 'tok_declined'), 'PaymentDeclined');
    expect(await activities().refundPayment({ orderId: 'r4' })).toEqual({ refunded: false, amountCents: 0 });
    expect(await ledgerOf('r4')).toEqual([]);
  });

  it('voids a charge still pending, so a late retry never captures it', async () => {
    // the first attempt failed transiently and left the charge PENDING
    await expect(charge('r5', 'tok_flaky')).rejects.toThrow();
    expect(await activities().refundPayment({ orderId: 'r5' })).toEqual({ refunded: false, amountCents: 0 });
    await expectBusinessFailure(charge('r5', 'tok_flaky'), 'InvalidState');
    expect(await store.charges.findOne({ _id: 'r5' })).toMatchObject({ status: 'VOIDED' });
    expect(await ledgerOf('r5')).toEqual([]);
  });
});

describe('a charge whose outcome was never recorded (the process died around the provider call)', () => {
  const dying = new DyingProvider();
  // the process that died and the one that retries share the database and the provider
  const dyingActivities = () => createPaymentsActivities(new PaymentsStore(mongo.db, dying));
  const chargeVia = (acts: ReturnType<typeof dyingActivities>, orderId: string, amountCents = 2500) =>
    acts.chargePayment({ orderId, amountCents, currency: 'EUR', paymentToken: 'tok_visa' });
  /** The first attempt dies; the charge document stays PENDING and no money movement is recorded. */
  const dieDuring = async (orderId: string, when: 'before' | 'after', amountCents = 2500) => {
    dying.die = when;
    await expect(chargeVia(dyingActivities(), orderId, amountCents)).rejects.toThrow(/the process died/);
    expect(await store.charges.findOne({ _id: orderId })).toMatchObject({ status: 'PENDING' });
    expect(await ledgerOf(orderId)).toEqual([]);
  };

  it('a retried charge takes the capture the provider reports: CAPTURED with the original id, never charged again', async () => {
    await dieDuring('c1', 'after');
    const captured = await simulator.findCharge('c1:charge');
    expect(captured).toEqual({ providerChargeId: stringMatching(/^ch_sim_/), amountCents: 2500, currency: 'EUR', refundedCents: 0 });
    const requests = dying.chargeRequests;

    const result = await chargeVia(dyingActivities(), 'c1');
    expect(result).toEqual({ chargeId: captured!.providerChargeId, amountCents: 2500 });
    // a provider keeps idempotency keys only so long: the retry asks, it does not charge again
    expect(dying.chargeRequests).toBe(requests);
    expect(await chargeVia(dyingActivities(), 'c1')).toEqual(result);
    expect(await store.charges.findOne({ _id: 'c1' })).toMatchObject({
      status: 'CAPTURED',
      providerChargeId: captured!.providerChargeId,
      refundedCents: 0,
    });
    expect((await ledgerOf('c1')).map((e) => [e._id, e.type, e.amountCents, e.reference])).toEqual([
      ['c1:charge', 'charge', 2500, captured!.providerChargeId],
    ]);
    expect(await simulator.findCharge('c1:charge')).toEqual(captured);
  });

  it('a refund refunds what the provider captured and says so; a late retried charge then takes nothing more', async () => {
    await dieDuring('c2', 'after', 3100);
    const { providerChargeId } = (await simulator.findCharge('c2:charge'))!;

    const refund = await activities().refundPayment({ orderId: 'c2' });
    expect(refund).toEqual({ refunded: true, refundId: anyString(), amountCents: 3100 });
    expect(await simulator.findCharge('c2:charge')).toMatchObject({ providerChargeId, amountCents: 3100, refundedCents: 3100 });
    expect(await store.charges.findOne({ _id: 'c2' })).toMatchObject({ status: 'CAPTURED', providerChargeId, refundedCents: 3100 });

    // the saga's charge retry arriving after the compensation: no InvalidState, no new capture, no second refund
    expect(await chargeVia(dyingActivities(), 'c2', 3100)).toEqual({ chargeId: providerChargeId, amountCents: 3100 });
    expect(await activities().refundPayment({ orderId: 'c2' })).toEqual(refund);
    expect(await simulator.findCharge('c2:charge')).toMatchObject({ providerChargeId, amountCents: 3100, refundedCents: 3100 });
    expect((await ledgerOf('c2')).map((e) => [e._id, e.type, e.amountCents])).toEqual([
      ['c2:charge', 'charge', 3100],
      ['c2:refund', 'refund', 3100],
    ]);

    const view = await call(app, 'GET', '/payments/c2', undefined, admin);
    expect(view.body).toMatchObject({
      charge: { chargeId: providerChargeId, status: 'CAPTURED', amountCents: 3100, refundedCents: 3100 },
      refunds: [{ refundId: refund.refundId, amountCents: 3100 }],
    });
  });

  it('racing retried charges and refunds after the crash capture once and refund once', async () => {
    await dieDuring('c3', 'after');
    const requests = dying.chargeRequests;
    const results = await Promise.all([
      chargeVia(dyingActivities(), 'c3'),
      activities().refundPayment({ orderId: 'c3' }),
      chargeVia(dyingActivities(), 'c3'),
      activities().refundPayment({ orderId: 'c3' }),
    ]);
    const { providerChargeId } = (await simulator.findCharge('c3:charge'))!;
    expect(results[0]).toEqual({ chargeId: providerChargeId, amountCents: 2500 });
    expect(results[2]).toEqual(results[0]);
    expect(results[1]).toEqual({ refunded: true, refundId: anyString(), amountCents: 2500 });
    expect(results[3]).toEqual(results[1]);
    expect(dying.chargeRequests).toBe(requests);
    expect(await simulator.findCharge('c3:charge')).toMatchObject({ amountCents: 2500, refundedCents: 2500 });
    expect((await ledgerOf('c3')).map((e) => [e._id, e.amountCents])).toEqual([
      ['c3:charge', 2500],
      ['c3:refund', 2500],
    ]);
  });

  it('without a capture at the provider the refund voids the charge, and a retried charge takes nothing', async () => {
    await dieDuring('c4', 'before');
    expect(await activities().refundPayment({ orderId: 'c4' })).toEqual({ refunded: false, amountCents: 0 });
    expect(await store.charges.findOne({ _id: 'c4' })).toMatchObject({ status: 'VOIDED' });
    await expectBusinessFailure(chargeVia(dyingActivities(), 'c4'), 'InvalidState');
    expect(await simulator.findCharge('c4:charge')).toBeUndefined();
    expect(await ledgerOf('c4')).toEqual([]);
  });

  it('a capture that reached the provider after the void is given back by the retried charge', async () => {
    await dieDuring('c5', 'before');
    expect(await activities().refundPayment({ orderId: 'c5' })).toEqual({ refunded: false, amountCents: 0 });
    // the dead process's request was still on its way: the provider captures after the void
    const { providerChargeId } = await simulator.charge({
      idempotencyKey: 'c5:charge',
      amountCents: 2500,
      currency: 'EUR',
      token: 'tok_visa',
    });

    await expectBusinessFailure(chargeVia(dyingActivities(), 'c5'), 'InvalidState');
    await expectBusinessFailure(chargeVia(dyingActivities(), 'c5'), 'InvalidState');
    expect(await simulator.findCharge('c5:charge')).toMatchObject({ providerChargeId, amountCents: 2500, refundedCents: 2500 });
    expect(await store.charges.findOne({ _id: 'c5' })).toMatchObject({ status: 'VOIDED', providerChargeId, refundedCents: 2500 });
    expect((await ledgerOf('c5')).map((e) => [e._id, e.type, e.amountCents])).toEqual([
      ['c5:charge', 'charge', 2500],
      ['c5:void', 'refund', 2500],
    ]);
    expect(await activities().refundPayment({ orderId: 'c5' })).toEqual({ refunded: false, amountCents: 0 });
    expect(await simulator.findCharge('c5:charge')).toMatchObject({ refundedCents: 2500 });
  });

  it('a charge recorded CAPTURED whose ledger entry was lost gets it on the next charge or refund', async () => {
    const first = await charge('c6');
    await store.ledger.deleteOne({ _id: 'c6:charge' }); // the process died between the two writes
    expect(await charge('c6')).toEqual(first);
    expect((await ledgerOf('c6')).map((e) => [e._id, e.amountCents, e.reference])).toEqual([['c6:charge', 2500, first.chargeId]]);

    const second = await charge('c7');
    await store.ledger.deleteOne({ _id: 'c7:charge' });
    expect(await activities().refundPayment({ orderId: 'c7' })).toMatchObject({ refunded: true, amountCents: 2500 });
    expect((await ledgerOf('c7')).map((e) => [e._id, e.amountCents])).toEqual([
      ['c7:charge', 2500],
      ['c7:refund', 2500],
    ]);
    expect(await simulator.findCharge('c7:charge')).toMatchObject({ providerChargeId: second.chargeId, refundedCents: 2500 });
  });
});

describe('payment provider simulator', () => {
  it('remembers what it captured under each key and never refunds more than that', async () => {
    const sim = new SimulatedProvider(simulatorDb.db);
    expect(await sim.findCharge('k:charge')).toBeUndefined();
    await expect(sim.charge({ idempotencyKey: 'k:charge', amountCents: 900, currency: 'EUR', token: 'tok_declined' })).rejects.toThrow(
      /declined/,
    );
    expect(await sim.findCharge('k:charge')).toBeUndefined();
    const { providerChargeId } = await sim.charge({ idempotencyKey: 'k:charge', amountCents: 900, currency: 'EUR', token: 'tok_visa' });
    expect(await sim.charge({ idempotencyKey: 'k:charge', amountCents: 900, currency: 'EUR', token: 'tok_visa' })).toEqual({
      providerChargeId,
    });
    expect(await sim.findCharge('k:charge')).toEqual({ providerChargeId, amountCents: 900, currency: 'EUR', refundedCents: 0 });
    await expect(sim.refund({ idempotencyKey: 'k:refund', providerChargeId, amountCents: 901 })).rejects.toThrow(/exceeds/);
    const refund = await sim.refund({ idempotencyKey: 'k:refund', providerChargeId, amountCents: 900 });
    expect(await sim.refund({ idempotencyKey: 'k:refund', providerChargeId, amountCents: 900 })).toEqual(refund);
    await expect(sim.refund({ idempotencyKey: 'k:refund-2', providerChargeId, amountCents: 1 })).rejects.toThrow(/exceeds/);
    expect(await sim.findCharge('k:charge')).toMatchObject({ refundedCents: 900 });
  });
});

describe('payment provider simulator across a restart of the payments process', () => {
  // The simulator kept its memory in the payments process, so a capture made just before payments
  // was SIGKILLed (before the store recorded it) was forgotten, and the retried charge captured
  // again under the same key, where a real provider returns the first one.
  it('a new simulator on the same database knows the captures, refunds and flaky calls of the old one', async () => {
    const before = new SimulatedProvider(simulatorDb.db, { flakyFailures: 2 });
    const { providerChargeId } = await before.charge({ idempotencyKey: 'r:charge', amountCents: 700, currency: 'EUR', token: 'tok_visa' });
    await expect(before.charge({ idempotencyKey: 'f:charge', amountCents: 700, currency: 'EUR', token: 'tok_flaky' })).rejects.toThrow(
      /call 1/,
    );
    const after = new SimulatedProvider(simulatorDb.db, { flakyFailures: 2 });
    expect(await after.findCharge('r:charge')).toEqual({ providerChargeId, amountCents: 700, currency: 'EUR', refundedCents: 0 });
    expect(await after.charge({ idempotencyKey: 'r:charge', amountCents: 700, currency: 'EUR', token: 'tok_visa' })).toEqual({
      providerChargeId,
    });
    const refund = await before.refund({ idempotencyKey: 'r:refund', providerChargeId, amountCents: 700 });
    expect(await after.refund({ idempotencyKey: 'r:refund', providerChargeId, amountCents: 700 })).toEqual(refund);
    await expect(after.charge({ idempotencyKey: 'f:charge', amountCents: 700, currency: 'EUR', token: 'tok_flaky' })).rejects.toThrow(
      /call 2/,
    );
    await after.charge({ idempotencyKey: 'f:charge', amountCents: 700, currency: 'EUR', token: 'tok_flaky' });
  });

  it('50 concurrent refunds under different keys of one charge never refund more than it captured', async () => {
    const sim = new SimulatedProvider(simulatorDb.db);
    const { providerChargeId } = await sim.charge({ idempotencyKey: 'm:charge', amountCents: 1000, currency: 'EUR', token: 'tok_visa' });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => sim.refund({ idempotencyKey: `m:refund-${i % 25}`, providerChargeId, amountCents: 100 })),
    );
    const ids = new Set(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.providerRefundId] : [])));
    expect(ids.size).toBe(10);
    expect(await sim.findCharge('m:charge')).toMatchObject({ refundedCents: 1000 });
  });
});

/** GET /payments/{orderId}: the ledger's entries, as the route test reads them. */
const LedgerBody = z.object({ ledger: z.array(z.object({ id: z.string(), type: z.string(), amountCents: z.number() })) });

describe('payment routes', () => {
  beforeAll(async () => {
    await charge('v1', 'tok_visa', 1500);
    await activities().refundPayment({ orderId: 'v1' });
  });

  it('shows an operator the charge, refund and ledger of an order', async () => {
    const res = await call(app, 'GET', '/payments/v1', undefined, admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      orderId: 'v1',
      charge: { chargeId: stringMatching(/^ch_sim_/), status: 'CAPTURED', amountCents: 1500, currency: 'EUR', refundedCents: 1500 },
      refunds: [{ refundId: anyString(), amountCents: 1500 }],
    });
    expect(bodyAs(res, LedgerBody).ledger.map((e) => [e.id, e.type, e.amountCents])).toEqual([
      ['v1:charge', 'charge', 1500],
      ['v1:refund', 'refund', 1500],
    ]);
  });

  it("is for administrators only, even for the order's own customer", async () => {
    expectProblem(await call(app, 'GET', '/payments/v1', undefined, customer('u1')), 403);
    expectProblem(await call(app, 'GET', '/payments/v1', undefined, customer('other')), 403);
  });

  it('needs a service token, answers 404 without a payment and 400 for a bad id', async () => {
    expectProblem(await call(app, 'GET', '/payments/v1', undefined, { anonymous: true }), 401);
    expectProblem(await call(app, 'GET', '/payments/nope', undefined, admin), 404);
    expectProblem(await call(app, 'GET', `/payments/${'x'.repeat(101)}`, undefined, admin), 400);
    expect((await call(app, 'GET', '/health/ready', undefined, { anonymous: true })).status).toBe(200);
  });

  it('lists its routes in the OpenAPI document', async () => {
    const { paths } = bodyAs(await call(app, 'GET', '/openapi.json', undefined, { anonymous: true }), PathsBody);
    expect(paths['/payments/{orderId}']).toBeTruthy();
  });
});
