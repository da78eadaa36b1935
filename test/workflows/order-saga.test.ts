// Every branch of the order saga on the time-skipping test server, with
// in-memory activities (the same branches run on the real services in test/e2e/).
import { Context } from '@temporalio/activity';
import { describe, expect, it } from 'vitest';
import {
  approveOrderUpdate,
  cancelOrderUpdate,
  sagaStateQuery,
  type OrderSagaResult,
  type SagaState,
} from '../../services/orders/temporal/contract.js';
import { carrierEventSignal } from '../../services/shipping/temporal/contract.js';
import { createFakes } from './fakes.js';
import {
  activityRetries,
  deliver,
  expectRefused,
  gate,
  sagaInput,
  startSaga,
  useTimeSkippingServer,
  waitForState,
  withWorkers,
} from './harness.js';
import type { fulfilment as fulfilmentWorkflow } from '../../workflows/fulfilment.js';
import { stringContaining } from '../support/matchers.js';

const env = useTimeSkippingServer();

describe('order saga', () => {
  it('happy path: confirmed, shipped, delivered; a review request 7 days later', async () => {
    const { fakes, calls } = createFakes();
    await withWorkers(env(), fakes, async () => {
      const input = sagaInput();
      const handle = await startSaga(env(), input);
      const confirmed = await waitForState(handle, (s) => s.status === 'CONFIRMED' && !!s.shipment, 'CONFIRMED with a shipment');
      expect(confirmed.steps.map((s) => [s.name, s.status])).toEqual([
        ['record', 'COMPLETED'],
        ['price', 'COMPLETED'],
        ['reserve', 'COMPLETED'],
        ['charge', 'COMPLETED'],
        ['approval', 'SKIPPED'],
        ['confirm', 'COMPLETED'],
        ['commit', 'COMPLETED'],
        ['notify', 'COMPLETED'],
        ['ship', 'RUNNING'],
      ]);
      await deliver(env(), input.orderId);
      expect(await handle.result()).toEqual({ orderId: input.orderId, status: 'DELIVERED' });
      expect(calls.events).toEqual([
        'OrderPlaced',
        'OrderPriced',
        'StockReserved',
        'PaymentCaptured',
        'OrderConfirmed',
        'StockCommitted',
        'OrderShipped',
        'OrderDelivered',
      ]);
      expect(calls.charged).toBe(1);
      expect(calls.notifications.map((n) => n.template)).toEqual(['order_confirmed', 'order_shipped', 'order_delivered']);
      // The child outlives the saga and asks for a review after the configured 7 days (skipped in time).
      const fulfilment = await env().client.workflow.getHandle<typeof fulfilmentWorkflow>(`fulfilment-${input.orderId}`).result();
      expect(fulfilment.stage).toBe('DELIVERED');
      expect(calls.notifications.at(-1)?.template).toBe('review_request');
      const described = await handle.describe();
      expect(described.memo).toBeDefined();
    });
  });

  const notified = (s: SagaState) => s.steps.some((step) => step.name === 'notify' && step.status === 'COMPLETED');

  it("the customer's address the gateway passes along spares the users lookup; without it the saga looks it up", async () => {
    const { fakes, calls } = createFakes();
    await withWorkers(env(), fakes, async () => {
      const given = { ...sagaInput(), contact: { email: 'ada@shop.example' } };
      await waitForState(await startSaga(env(), given), notified, 'the confirmation sent');
      expect(calls.names).not.toContain('getUserContact');
      const passed = calls.notifications.find((n) => n.key === `${given.orderId}:order_confirmed`);
      expect(passed?.to).toBe('ada@shop.example');

      const looked = sagaInput();
      await waitForState(await startSaga(env(), looked), notified, 'the confirmation sent');
      expect(calls.names.filter((name) => name === 'getUserContact')).toHaveLength(1);
      const found = calls.notifications.find((n) => n.key === `${looked.orderId}:order_confirmed`);
      expect(found?.to).toBe('cust-1@example.com');
    });
  });

  it('out of stock: cancelled, nothing charged', async () => {
    const { fakes, calls } = createFakes();
    await withWorkers(env(), fakes, async () => {
      const handle = await startSaga(env(), sagaInput({ items: [{ sku: 'SOLDOUT-1', quantity: 1 }] }));
      const result = await handle.result();
      expect(result).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'OUT_OF_STOCK' } });
      expect(calls.names).not.toContain('chargePayment');
      expect(calls.events.at(-1)).toBe('OrderCancelled');
      expect(calls.notifications.map((n) => n.template)).toContain('order_cancelled');
    });
  });

  it('declined payment: cancelled after releasing the stock', async () => {
    const { fakes, calls } = createFakes();
    await withWorkers(env(), fakes, async () => {
      const handle = await startSaga(env(), sagaInput({ paymentToken: 'tok_declined' }));
      expect(await handle.result()).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'PAYMENT_DECLINED' } });
      const state = await handle.query(sagaStateQuery);
      expect(state.compensations.map((c) => [c.name, c.status])).toEqual([
        ['refund', 'COMPLETED'],
        ['release', 'COMPLETED'],
      ]);
      expect(calls.names.filter((n) => n === 'chargePayment')).toHaveLength(1); // non-retryable: no retry
      expect(calls.events).toContain('StockReleased');
      expect(calls.charged).toBe(0);
    });
  });

  it('flaky provider: retried with backoff, charged exactly once', async () => {
    // Each attempt notes when it began. The test awaits the saga by polling its query, so the
    // server does not skip time here: the gaps between attempts are the backoff really waited.
    const attempts: Array<{ attempt: number; at: number }> = [];
    const { fakes, calls } = createFakes();
    const charge = fakes.payments.chargePayment;
    fakes.payments.chargePayment = async (input) => {
      attempts.push({ attempt: Context.current().info.attempt, at: Date.now() });
      if (attempts.length <= 2) throw new Error('provider unavailable');
      return charge(input);
    };
    await withWorkers(env(), fakes, async () => {
      const input = sagaInput({ paymentToken: 'tok_flaky' });
      const handle = await startSaga(env(), input);
      await waitForState(handle, (s) => s.status === 'CONFIRMED', 'CONFIRMED');
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
      expect(calls.charged).toBe(1);
      // The backoff: an exponential policy, honoured. The second attempt came at least its first
      // interval after the first, the third at least the grown interval after the second.
      const [run] = await activityRetries(handle, 'chargePayment');
      expect(run?.attempts).toBe(3);
      const { initialIntervalMs, backoffCoefficient } = run!.policy;
      expect(initialIntervalMs).toBeGreaterThan(0);
      expect(backoffCoefficient).toBeGreaterThan(1);
      const gaps = [attempts[1]!.at - attempts[0]!.at, attempts[2]!.at - attempts[1]!.at];
      console.log(`chargePayment attempts ${gaps.join(' ms, then ')} ms apart (policy: ${initialIntervalMs} ms ×${backoffCoefficient})`);
      expect(gaps[0]).toBeGreaterThanOrEqual(initialIntervalMs);
      expect(gaps[1]).toBeGreaterThanOrEqual(initialIntervalMs * backoffCoefficient);
      expect(run!.waitedMs).toBeGreaterThanOrEqual(initialIntervalMs * (1 + backoffCoefficient));
    });
  });

  it('a compensation that fails a few times is retried until it succeeds', async () => {
    let releases = 0;
    const { fakes } = createFakes({
      inventory: {
        releaseStock: () => {
          releases += 1;
          if (releases < 3) return Promise.reject(new Error('inventory down'));
          return Promise.resolve({ released: true });
        },
      },
    });
    await withWorkers(env(), fakes, async () => {
      const handle = await startSaga(env(), sagaInput({ paymentToken: 'tok_declined' }));
      expect(await handle.result()).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'PAYMENT_DECLINED' } });
      expect(releases).toBe(3);
    });
  });

  it('a compensation that never succeeds ends the order FAILED, visibly, with an operator alert', async () => {
    const { fakes, calls } = createFakes({
      inventory: {
        releaseStock: () => Promise.reject(new Error('inventory database is gone')),
      },
    });
    await withWorkers(env(), fakes, async () => {
      const handle = await startSaga(env(), sagaInput({ paymentToken: 'tok_declined' }, { compensationMaxAttempts: 3 }));
      const result: OrderSagaResult = await handle.result();
      expect(result.status).toBe('FAILED');
      expect(result.failure?.reason).toMatch(/release.*inventory database is gone/);
      const state = await handle.query(sagaStateQuery);
      expect(state).toMatchObject({ status: 'FAILED', failure: { reason: stringContaining('release') } });
      expect(state.compensations.find((c) => c.name === 'release')?.status).toBe('FAILED');
      expect(calls.events.at(-1)).toBe('OrderFailed');
      expect(calls.notifications.some((n) => n.template === 'operator_alert')).toBe(true);
      expect((await handle.describe()).searchAttributes.OrderStatus).toEqual(['FAILED']);
    });
  });

  it('cancel before the charge: the reservation is released, nothing is charged', async () => {
    const reserving = gate();
    const { fakes, calls } = createFakes({
      inventory: {
        reserveStock: async ({ orderId }) => {
          await reserving.wait;
          return { orderId, status: 'RESERVED' };
        },
      },
    });
    await withWorkers(env(), fakes, async () => {
      const handle = await startSaga(env(), sagaInput());
      await waitForState(handle, (s) => s.steps.some((st) => st.name === 'reserve'), 'reserving');
      const accepted = handle.executeUpdate(cancelOrderUpdate, { args: [{ requestedBy: 'cust-1' }] });
      // Accepted: it answers what will happen. The attempt in flight completes after all; its compensation undoes it.
      expect(await accepted.finally(() => reserving.open())).toMatchObject({ status: 'CANCELLING' });
      expect(await handle.result()).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'CUSTOMER_CANCELLED' } });
      expect(calls.names).not.toContain('chargePayment');
      expect(calls.names).toContain('releaseStock');
    });
  });

  it('cancel after the charge: refunded and released', async () => {
    const { fakes, calls } = createFakes();
    await withWorkers(env(), fakes, async () => {
      const input = sagaInput();
      const handle = await startSaga(env(), input);
      await waitForState(handle, (s) => s.status === 'CONFIRMED' && !!s.shipment, 'CONFIRMED with a shipment');
      expect(await handle.executeUpdate(cancelOrderUpdate, { args: [{ requestedBy: 'cust-1' }] })).toMatchObject({ status: 'CANCELLING' });
      // Wait in real time: skipping time while the child's cancellation is in flight would wake its timers first.
      // Longer than a compensation's 30 s start-to-close: once in a loaded CI run the release stayed RUNNING
      // for 25 s (its task never reached this test's worker), and a retry after that timeout is the promise.
      await waitForState(handle, (s) => s.status === 'CANCELLED', 'CANCELLED', 45_000);
      expect(await handle.result()).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'CUSTOMER_CANCELLED' } });
      expect(calls.refunded).toBe(1);
      expect(calls.events).toEqual(expect.arrayContaining(['PaymentRefunded', 'StockReleased', 'OrderCancelled']));
      const child = await env().client.workflow.getHandle<typeof fulfilmentWorkflow>(`fulfilment-${input.orderId}`).result();
      expect(child.stage).toBe('CANCELLED');
    });
  }, 90_000);

  it('cancel too late: after pickup the update answers not accepted', async () => {
    const { fakes, calls } = createFakes();
    await withWorkers(env(), fakes, async () => {
      const input = sagaInput();
      const handle = await startSaga(env(), input);
      await waitForState(handle, (s) => !!s.shipment, 'a shipment');
      await env()
        .client.workflow.getHandle(`fulfilment-${input.orderId}`)
        .signal(carrierEventSignal, { type: 'PICKED_UP', at: new Date().toISOString() });
      await waitForState(handle, (s) => s.status === 'SHIPPED', 'SHIPPED');
      await expectRefused(handle.executeUpdate(cancelOrderUpdate, { args: [{ requestedBy: 'cust-1' }] }), 'SHIPPED', /picked up/);
      expect(calls.refunded).toBe(0);
    });
  });

  it('approval given: waits above the threshold, continues when approved', async () => {
    const { fakes, calls } = createFakes();
    await withWorkers(env(), fakes, async () => {
      const input = sagaInput({ items: [{ sku: 'PRICEY-1', quantity: 1 }] });
      const handle = await startSaga(env(), input);
      await waitForState(handle, (s) => s.status === 'AWAITING_APPROVAL', 'AWAITING_APPROVAL');
      expect(await handle.executeUpdate(approveOrderUpdate, { args: [{ approvedBy: 'admin-1' }] })).toMatchObject({
        status: 'AWAITING_APPROVAL',
      });
      await waitForState(handle, (s) => s.status === 'CONFIRMED', 'CONFIRMED');
      expect(calls.events).toEqual(expect.arrayContaining(['ApprovalRequested', 'OrderApproved', 'OrderConfirmed']));
    });
  });

  it('an approval before the order waits for one is refused', async () => {
    const charging = gate();
    const { fakes } = createFakes({
      payments: {
        chargePayment: async ({ orderId, amountCents }) => {
          await charging.wait;
          return { chargeId: orderId, amountCents };
        },
      },
    });
    await withWorkers(env(), fakes, async () => {
      const input = sagaInput();
      const handle = await startSaga(env(), input);
      await waitForState(handle, (s) => s.steps.some((st) => st.name === 'charge'), 'charging');
      await expectRefused(
        handle.executeUpdate(approveOrderUpdate, { args: [{ approvedBy: 'admin-1' }] }).finally(() => charging.open()),
        'PENDING',
        /not awaiting approval/,
      );
    });
  });
});
