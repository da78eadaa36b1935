// Payments on the real Mongo-protocol server with the provider simulator: one
// charge and at most one refund per order however often the activities run,
// declines as non-retryable failures, provider outages as retryable errors,
// and the payment view for operators only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { createPaymentsActivities } from '../../activities/payments.js';
import { createPaymentsApp } from '../../services/payments/app.js';
import { SimulatedProvider } from '../../services/payments/simulator.js';
import { PaymentsStore } from '../../services/payments/store.js';
import { call } from '../support/http.js';
import { admin, appOptions, customer, expectBusinessFailure, expectProblem } from '../support/service.js';
import { testDb, type TestDb } from '../support/stack.js';

let mongo: TestDb;
let store: PaymentsStore;
let app: ReturnType<typeof createPaymentsApp>;
const activities = () => createPaymentsActivities(store);

const charge = (orderId: string, paymentToken = 'tok_visa', amountCents = 2500) =>
  activities().chargePayment({ orderId, amountCents, currency: 'EUR', paymentToken });
const ledgerOf = (orderId: string) => store.ledger.find({ orderId }).sort({ at: 1 }).toArray();

beforeAll(async () => {
  mongo = await testDb('payments');
  store = new PaymentsStore(mongo.db, new SimulatedProvider({ slowMs: 50 }));
  await store.ensureIndexes();
  app = createPaymentsApp({ store, appOptions: appOptions('payments', mongo.db) });
});
afterAll(async () => { await mongo.close(); });

describe('chargePayment activity', () => {
  it('charges tok_visa once even when called twice', async () => {
    const first = await charge('p1');
    expect(first).toEqual({ chargeId: expect.stringMatching(/^ch_sim_/), amountCents: 2500 });
    expect(await charge('p1')).toEqual(first);
    const ledger = await ledgerOf('p1');
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ _id: 'p1:charge', type: 'charge', amountCents: 2500, currency: 'EUR', reference: first.chargeId });
    expect(await store.charges.findOne({ _id: 'p1' })).toMatchObject({ status: 'CAPTURED', providerChargeId: first.chargeId, refundedCents: 0 });
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
      const error = await charge('p4', 'tok_flaky').then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(ApplicationFailure);
      expect(await ledgerOf('p4')).toEqual([]);
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
    await expectBusinessFailure(activities().chargePayment({ orderId: 'p5', amountCents: 2500, currency: 'USD', paymentToken: 'tok_visa' }), 'InvalidInput');
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
      await expectBusinessFailure(activities().chargePayment(input as never), 'InvalidInput');
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
    expect(first).toEqual({ refunded: true, refundId: expect.any(String), amountCents: 4321 });
    expect(await activities().refundPayment({ orderId: 'r1' })).toEqual(first);
    const ledger = await ledgerOf('r1');
    expect(ledger.map((e) => e._id)).toEqual(['r1:charge', 'r1:refund']);
    const [chargeEntry, refundEntry] = ledger;
    expect(refundEntry).toMatchObject({ type: 'refund', amountCents: chargeEntry!.amountCents, currency: 'EUR' });
    expect(await store.charges.findOne({ _id: 'r1' })).toMatchObject({ status: 'CAPTURED', providerChargeId: charged.chargeId, refundedCents: 4321 });
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
      charge: { chargeId: expect.stringMatching(/^ch_sim_/), status: 'CAPTURED', amountCents: 1500, currency: 'EUR', refundedCents: 1500 },
      refunds: [{ refundId: expect.any(String), amountCents: 1500 }],
    });
    expect(res.body.ledger.map((e: { id: string; type: string; amountCents: number }) => [e.id, e.type, e.amountCents])).toEqual([['v1:charge', 'charge', 1500], ['v1:refund', 'refund', 1500]]);
  });

  it('is for administrators only, even for the order\'s own customer', async () => {
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
    const { paths } = (await call(app, 'GET', '/openapi.json', undefined, { anonymous: true })).body;
    expect(paths['/payments/{orderId}']).toBeTruthy();
  });
});
