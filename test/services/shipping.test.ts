// Shipping on the real Mongo-protocol server: one shipment per order, carrier
// events recorded once each with a status that only moves forwards, and the
// shipment routes only for the order's customer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShippingActivities } from '../../services/shipping/activities.js';
import { createShippingApp } from '../../services/shipping/app.js';
import { ShippingStore } from '../../services/shipping/store.js';
import { ErrorsBody, ItemsBody, PathsBody, bodyAs } from '../support/bodies.js';
import { call } from '../support/http.js';
import { anyString, objectContaining } from '../support/matchers.js';
import { admin, appOptions, customer, expectBusinessFailure, expectProblem, withAnyInput } from '../support/service.js';
import { testDb, type TestDb } from '../support/stack.js';

let mongo: TestDb;
let store: ShippingStore;
let app: ReturnType<typeof createShippingApp>;
const activities = () => createShippingActivities(store);

const address = { name: 'Ann Buyer', line1: '1 Main Street', city: 'Utrecht', postalCode: '3511AA', country: 'NL' };
const lines = [{ sku: 'MUG-SAGA', quantity: 2 }];
const shipmentFor = (orderId: string, customerId = 'u1') => activities().createShipment({ orderId, customerId, address, lines });

beforeAll(async () => {
  mongo = await testDb('shipping');
  store = new ShippingStore(mongo.db);
  await store.ensureIndexes();
  app = createShippingApp({ store, appOptions: appOptions('shipping', mongo.db) });
});
afterAll(async () => {
  await mongo.close();
});

describe('createShipment activity', () => {
  it('creates a shipment with a tracking number, stored under its id', async () => {
    const created = await shipmentFor('ord-1');
    expect(created.shipmentId).toMatch(/^shp_[0-9a-z]+$/);
    expect(created.trackingNumber).toMatch(/^SGS[0-9A-Z]{10}$/);
    expect(await store.shipments.findOne({ orderId: 'ord-1' })).toMatchObject({
      _id: created.shipmentId,
      orderId: 'ord-1',
      customerId: 'u1',
      trackingNumber: created.trackingNumber,
      status: 'LABEL_CREATED',
      rank: 0,
      events: [],
      address,
      lines,
    });
  });

  it('returns the existing shipment on a repeat, also when repeats race', async () => {
    const first = await shipmentFor('ord-2');
    expect(await shipmentFor('ord-2')).toEqual(first);
    const raced = await Promise.all(Array.from({ length: 50 }, () => shipmentFor('ord-3')));
    expect(new Set(raced.map((r) => r.shipmentId)).size).toBe(1);
    expect(new Set(raced.map((r) => r.trackingNumber)).size).toBe(1);
    expect(await store.shipments.countDocuments({ orderId: 'ord-2' })).toBe(1);
    expect(await store.shipments.countDocuments({ orderId: 'ord-3' })).toBe(1);
  });

  it('gives different orders different shipments and tracking numbers', async () => {
    const a = await shipmentFor('ord-4');
    const b = await shipmentFor('ord-5');
    expect(a.shipmentId).not.toBe(b.shipmentId);
    expect(a.trackingNumber).not.toBe(b.trackingNumber);
  });

  it('fails InvalidInput (non-retryable) for malformed input and stores nothing', async () => {
    const before = await store.shipments.countDocuments();
    const ok = { orderId: 'ord-bad', customerId: 'u1', address, lines };
    for (const input of [
      { ...ok, orderId: '' },
      { ...ok, orderId: { $ne: '' } },
      { ...ok, lines: [] },
      { ...ok, lines: [{ sku: 'MUG-SAGA', quantity: 0 }] },
      { ...ok, lines: [{ sku: 'MUG-SAGA', quantity: 1.5 }] },
      { ...ok, address: { ...address, city: undefined } },
      { ...ok, extra: true },
    ]) {
      await expectBusinessFailure(withAnyInput(activities().createShipment)(input), 'InvalidInput');
    }
    expect(await store.shipments.countDocuments()).toBe(before);
  });
});

describe('recordCarrierEvent activity', () => {
  it('records each event once and moves the status forwards', async () => {
    const { shipmentId } = await shipmentFor('ord-10');
    expect(await activities().recordCarrierEvent({ shipmentId, type: 'PICKED_UP', at: '2026-01-01T10:00:00.000Z' })).toEqual({
      recorded: true,
    });
    expect(await activities().recordCarrierEvent({ shipmentId, type: 'PICKED_UP', at: '2026-01-01T10:05:00.000Z' })).toEqual({
      recorded: false,
    });
    expect(await store.get(shipmentId)).toMatchObject({
      status: 'PICKED_UP',
      events: [{ type: 'PICKED_UP', at: '2026-01-01T10:00:00.000Z' }],
    });
    expect(await activities().recordCarrierEvent({ shipmentId, type: 'DELIVERED', at: '2026-01-02T09:00:00.000Z' })).toEqual({
      recorded: true,
    });
    expect(await activities().recordCarrierEvent({ shipmentId, type: 'DELIVERED', at: '2026-01-02T09:00:00.000Z' })).toEqual({
      recorded: false,
    });
    expect(await store.get(shipmentId)).toMatchObject({
      status: 'DELIVERED',
      events: [
        { type: 'PICKED_UP', at: '2026-01-01T10:00:00.000Z' },
        { type: 'DELIVERED', at: '2026-01-02T09:00:00.000Z' },
      ],
    });
  });

  it('never moves the status backwards when events arrive out of order', async () => {
    const { shipmentId } = await shipmentFor('ord-11');
    expect(await activities().recordCarrierEvent({ shipmentId, type: 'DELIVERED', at: '2026-01-02T09:00:00.000Z' })).toEqual({
      recorded: true,
    });
    expect(await activities().recordCarrierEvent({ shipmentId, type: 'PICKED_UP', at: '2026-01-01T10:00:00.000Z' })).toEqual({
      recorded: true,
    });
    const shipment = await store.get(shipmentId);
    expect(shipment?.status).toBe('DELIVERED');
    expect(shipment?.events.map((e) => e.type).sort()).toEqual(['DELIVERED', 'PICKED_UP']);
  });

  it('records a duplicated event once even when 50 duplicates race', async () => {
    const { shipmentId } = await shipmentFor('ord-12');
    const results = await Promise.all(
      Array.from({ length: 50 }, () => activities().recordCarrierEvent({ shipmentId, type: 'PICKED_UP', at: '2026-01-01T10:00:00.000Z' })),
    );
    expect(results.filter((r) => r.recorded)).toHaveLength(1);
    expect(await store.get(shipmentId)).toMatchObject({ status: 'PICKED_UP', events: [{ type: 'PICKED_UP' }] });
  });

  it('50 carrier events of both types racing, in any order: one of each, status DELIVERED', async () => {
    const { shipmentId } = await shipmentFor('ord-12b');
    const types = Array.from({ length: 50 }, (_, i) => (i % 3 ? 'DELIVERED' : 'PICKED_UP'));
    const results = await Promise.all(
      types.map((type) => activities().recordCarrierEvent({ shipmentId, type, at: '2026-01-01T10:00:00.000Z' })),
    );
    expect(results.filter((r) => r.recorded)).toHaveLength(2);
    const shipment = await store.get(shipmentId);
    expect(shipment?.status).toBe('DELIVERED');
    expect(shipment?.events.map((e) => e.type).sort()).toEqual(['DELIVERED', 'PICKED_UP']);
    expect((await store.shipments.findOne({ _id: shipmentId }))?.rank).toBe(2);
  });

  it('fails NotFound for an unknown shipment and InvalidInput for a malformed event', async () => {
    await expectBusinessFailure(
      activities().recordCarrierEvent({ shipmentId: 'shp_nope', type: 'PICKED_UP', at: '2026-01-01T10:00:00.000Z' }),
      'NotFound',
    );
    const { shipmentId } = await shipmentFor('ord-13');
    await expectBusinessFailure(
      withAnyInput(activities().recordCarrierEvent)({ shipmentId, type: 'LOST', at: '2026-01-01T10:00:00.000Z' }),
      'InvalidInput',
    );
    await expectBusinessFailure(withAnyInput(activities().recordCarrierEvent)({ shipmentId, type: 'PICKED_UP' }), 'InvalidInput');
    expect(await store.get(shipmentId)).toMatchObject({ status: 'LABEL_CREATED', events: [] });
  });
});

describe('the carrier of a shipment', () => {
  it('is the carrier account the store was given (lower case), or none', async () => {
    const assigning = new ShippingStore(mongo.db, 'Parcels@Carrier.example');
    const assigned = await assigning.create({ orderId: 'ord-carrier-1', customerId: 'u1', address, lines });
    expect((await store.get(assigned.shipmentId))?.carrier).toBe('parcels@carrier.example');
    const unassigned = await shipmentFor('ord-carrier-2');
    expect((await store.get(unassigned.shipmentId))?.carrier).toBeNull();
  });
});

describe('shipment routes', () => {
  let shipment: { shipmentId: string; trackingNumber: string };
  beforeAll(async () => {
    shipment = await shipmentFor('ord-20', 'buyer-1');
    await activities().recordCarrierEvent({ shipmentId: shipment.shipmentId, type: 'PICKED_UP', at: '2026-01-01T10:00:00.000Z' });
  });

  it('shows the customer their shipment with its events', async () => {
    const res = await call(app, 'GET', `/shipments/${shipment.shipmentId}`, undefined, customer('buyer-1'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      shipmentId: shipment.shipmentId,
      orderId: 'ord-20',
      customerId: 'buyer-1',
      trackingNumber: shipment.trackingNumber,
      status: 'PICKED_UP',
      events: [{ type: 'PICKED_UP', at: '2026-01-01T10:00:00.000Z' }],
      carrier: null,
      createdAt: anyString(),
    });
    expect((await call(app, 'GET', `/shipments/${shipment.shipmentId}`, undefined, admin)).status).toBe(200);
    expect(
      (await call(app, 'GET', `/shipments/${shipment.shipmentId}`, undefined, { caller: { userId: 'carrier-1', roles: ['carrier'] } }))
        .status,
    ).toBe(200);
  });

  it("lists an order's shipments", async () => {
    const res = await call(app, 'GET', '/shipments?orderId=ord-20', undefined, customer('buyer-1'));
    expect(res.status).toBe(200);
    expect(bodyAs(res, ItemsBody).items).toEqual([
      objectContaining({ shipmentId: shipment.shipmentId, orderId: 'ord-20', status: 'PICKED_UP' }),
    ]);
    expect((await call(app, 'GET', '/shipments?orderId=ord-none', undefined, admin)).body).toEqual({ items: [] });
  });

  it("answers 404 for another user's shipment and for unknown ones", async () => {
    const stranger = { caller: { userId: 'u2', roles: [] } };
    expectProblem(await call(app, 'GET', `/shipments/${shipment.shipmentId}`, undefined, stranger), 404);
    expectProblem(await call(app, 'GET', '/shipments?orderId=ord-20', undefined, stranger), 404);
    expectProblem(await call(app, 'GET', '/shipments/shp_nope', undefined, admin), 404);
  });

  it('needs a service token and rejects bad input with 400', async () => {
    expectProblem(await call(app, 'GET', `/shipments/${shipment.shipmentId}`, undefined, { anonymous: true }), 401);
    expectProblem(await call(app, 'GET', '/shipments?orderId=ord-20', undefined, { anonymous: true }), 401);
    for (const path of ['/shipments', '/shipments?orderId=', `/shipments?orderId=${'x'.repeat(101)}`, `/shipments/${'x'.repeat(101)}`]) {
      const res = await call(app, 'GET', path, undefined, admin);
      expectProblem(res, 400);
      expect(bodyAs(res, ErrorsBody).errors.length, path).toBeGreaterThan(0);
    }
  });

  it('lists its routes in the OpenAPI document', async () => {
    const { paths } = bodyAs(await call(app, 'GET', '/openapi.json', undefined, { anonymous: true }), PathsBody);
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/shipments', '/shipments/{shipmentId}']));
  });
});
