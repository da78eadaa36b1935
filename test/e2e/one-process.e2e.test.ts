// The one-process shop (shop/main.ts), the layout `npm start` runs: every service
// and the gateway in one Node process, each on its own port, task queue and
// database, its workers sharing one Temporal runtime and connection. Its orders
// are the saga's as ever; its one
// process, SIGKILLed with orders in flight, is restarted by the supervisor on the
// same ports and loses, duplicates or double-charges nothing (the audit says so).
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../scripts/audit/checks.js';
import { takeSnapshot, type StackAddress } from '../../scripts/audit/snapshot.js';
import { drain } from '../../scripts/chaos/drain.js';
import { waitFor } from '../../scripts/stack/processes.js';
import { startSystem, type RunningSystem } from '../../scripts/stack/system.js';
import { SERVICE_NAMES } from '../../shared/domain/vocabulary.js';
import { Api } from '../support/api.js';
import { OrderIdBody, StatusBody, bodyAs } from '../support/bodies.js';
import { expectReady } from '../support/readiness.js';
import { UNLIMITED_REQUESTS, isolatedSystemOptions, temporalClientOf } from '../support/system.js';
import { orderSagaWorkflow } from '../../services/orders/temporal/contract.js';

const WITHIN_MS = 120_000;
const AT_ONCE = 12;

let system: RunningSystem;
let api: Api;
let temporal: Client;
let address: StackAddress;

beforeAll(async () => {
  const options = await isolatedSystemOptions('one_process', {
    processes: 'one',
    env: { SEED_DEMO: 'true', ...UNLIMITED_REQUESTS },
  });
  system = await startSystem(options);
  api = new Api(`${system.gatewayUrl}/api/v1`);
  temporal = await temporalClientOf(options);
  address = {
    mongoUrl: options.mongoUrl,
    prefix: options.prefix,
    temporal: { connection: { address: options.temporalAddress }, namespace: options.temporalNamespace },
  };
}, 240_000);

afterAll(async () => {
  await temporal?.connection.close();
  await system?.stop();
});

const shop = () => system.processes[0]!;

/** The saga's run, as Temporal has it. */
const sagaOf = (orderId: string) => temporal.workflow.getHandle(orderSagaWorkflow.id(orderId)).describe();

describe('the shop in one process', () => {
  it('is one Node process whose every service answers on its own port, with one metrics endpoint for every worker', async () => {
    expect(system.processes.map((p) => p.name)).toEqual(['shop']);
    await expectReady(system.gatewayUrl, WITHIN_MS);
    const ports = new Set(SERVICE_NAMES.map((name) => new URL(system.serviceUrls[name]!).port));
    expect(ports.size).toBe(SERVICE_NAMES.length);
    for (const name of SERVICE_NAMES) {
      const res = await fetch(`${system.serviceUrls[name]}/health/ready`);
      expect(res.status, name).toBe(200);
    }
    expect(new Set(Object.values(system.workerMetricsUrls)).size).toBe(1);
  });

  it(`places ${AT_ONCE * 2} orders at once, half answered once confirmed, half at once; every worker's metrics on one endpoint`, async () => {
    const ada = await api.account('ada');
    const placed = await Promise.all(
      Array.from({ length: AT_ONCE * 2 }, (_, i) =>
        api.placeOrder(ada.token, [{ sku: 'STICKERS-5', quantity: 1 }], i % 2 ? {} : { headers: { Prefer: 'wait=60' } }),
      ),
    );
    for (const [i, res] of placed.entries()) expect(res.status, JSON.stringify(res.body)).toBe(i % 2 ? 202 : 201);
    const orderIds = placed.map((res) => bodyAs(res, OrderIdBody).orderId);
    await waitFor(
      'every order confirmed',
      async () => {
        const states = await Promise.all(orderIds.map((id) => api.request('GET', `/orders/${id}`, { token: ada.token })));
        return states.every((s) => bodyAs(s, StatusBody).status === 'CONFIRMED');
      },
      WITHIN_MS,
    );
    for (const orderId of orderIds) expect((await sagaOf(orderId)).taskQueue).toBe('orders');
    const metrics = await (await fetch(Object.values(system.workerMetricsUrls)[0]!)).text();
    for (const queue of ['orders', 'inventory', 'payments', 'catalog']) expect(metrics).toContain(`task_queue="${queue}"`);
  }, 180_000);

  it('SIGKILLed with orders in flight, comes back on the same ports and the books balance', async () => {
    const bob = await api.account('bob');
    const placed = await Promise.all(
      Array.from({ length: AT_ONCE }, () => api.placeOrder(bob.token, [{ sku: 'STICKERS-5', quantity: 1 }])),
    );
    for (const res of placed) expect(res.status).toBe(202);
    const { pid } = shop().child;
    const restarts = shop().restarts;
    process.kill(pid!, 'SIGKILL');
    await waitFor('the shop restarted', () => Promise.resolve(shop().restarts > restarts && shop().child.pid !== pid), WITHIN_MS);
    await expectReady(system.gatewayUrl, WITHIN_MS);
    for (const name of SERVICE_NAMES) expect((await fetch(`${system.serviceUrls[name]}/health/ready`)).status, name).toBe(200);

    const drained = await drain(address, WITHIN_MS, () => undefined);
    expect(drained.moving, 'still moving after the drain').toEqual([]);
    const snapshot = await takeSnapshot(address);
    expect(runChecks(snapshot, { pendingGraceMs: Infinity }).flatMap((r) => r.breaches)).toEqual([]);
    for (const res of placed) {
      const orderId = bodyAs(res, OrderIdBody).orderId;
      const order = snapshot.orders.find((o) => o.orderId === orderId);
      expect(order?.status, orderId).toBe('CONFIRMED');
      expect(snapshot.ledger.filter((e) => e.orderId === orderId && e.type === 'charge')).toHaveLength(1);
      expect(snapshot.reservations.filter((r) => r.orderId === orderId)).toHaveLength(1);
    }
  }, 300_000);
});
