// The order saga's timer branches (approval timeout, late carrier) and its
// failure and replay behaviour, on a time-skipping server of their own: time
// skipping is global to a server, so these stay apart from the other branch tests.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { carrierEventSignal, fulfilmentStateQuery } from '../../services/shipping/temporal/contract.js';
import { sagaStateQuery } from '../../services/orders/temporal/contract.js';
import { createTimeSkippingEnv } from '../support/stack.js';
import { createFakes } from './fakes.js';
import { activityRetries, deliver, sagaInput, startSaga, terminateStarted, until, waitForState, withWorkers } from './harness.js';
import { arrayContaining, stringContaining } from '../support/matchers.js';

// A fresh test server per test: after some branches the Java test server stops
// skipping time for workflows started later, and one stuck test must not take the
// next ones with it.
let env: TestWorkflowEnvironment;
beforeEach(async () => {
  env = await createTimeSkippingEnv();
}, 120_000);
afterEach(async () => {
  await terminateStarted(env);
  await env.teardown();
});

describe('order saga timers and failures', () => {
  it('approval timeout: cancelled with APPROVAL_TIMEOUT after the durable timer, money refunded', async () => {
    const { fakes, calls } = createFakes();
    await withWorkers(env, fakes, async () => {
      const handle = await startSaga(env, sagaInput({ items: [{ sku: 'PRICEY-1', quantity: 1 }] }, { approvalTimeout: '24h' }));
      await waitForState(handle, (s) => s.status === 'AWAITING_APPROVAL', 'AWAITING_APPROVAL');
      expect(await handle.result()).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'APPROVAL_TIMEOUT' } }); // time skips 24 h
      expect(calls.refunded).toBe(1);
    });
  });

  it('a late carrier alerts operators and the customer, and keeps waiting', async () => {
    const { fakes, calls } = createFakes();
    await withWorkers(env, fakes, async () => {
      const input = sagaInput({}, { fulfilment: { pickupTimeout: '1h', deliveryTimeout: '2h', reviewRequestDelay: '7 days' } });
      const handle = await startSaga(env, input);
      await waitForState(handle, (s) => !!s.shipment, 'a shipment');
      await env.sleep('150m'); // two pickup timeouts pass
      const alerts = calls.notifications.filter((n) => n.template === 'operator_alert');
      expect(alerts.length).toBeGreaterThanOrEqual(2);
      expect(calls.notifications.filter((n) => n.template === 'shipment_delayed')).toHaveLength(1);
      await deliver(env, input.orderId);
      expect(await handle.result()).toMatchObject({ status: 'DELIVERED' });
    });
  });

  it('a parcel overdue after pickup alerts operators once per timeout and is still delivered', async () => {
    const { fakes, calls } = createFakes();
    await withWorkers(env, fakes, async () => {
      // A short real delivery timeout rather than a skip: a skip that begins while the
      // child's activities are in flight sometimes never ends on the Java test server.
      const input = sagaInput({}, { fulfilment: { pickupTimeout: '48h', deliveryTimeout: '1s', reviewRequestDelay: '7 days' } });
      const handle = await startSaga(env, input);
      await waitForState(handle, (s) => !!s.shipment, 'a shipment');
      const child = env.client.workflow.getHandle(`fulfilment-${input.orderId}`);
      await child.signal(carrierEventSignal, { type: 'PICKED_UP', at: new Date().toISOString() });
      await waitForState(handle, (s) => s.status === 'SHIPPED', 'SHIPPED');
      const alerts = () => calls.notifications.filter((n) => n.template === 'operator_alert').map((n) => n.key);
      await until(() => alerts().length >= 2, 'two delivery alerts');
      expect(alerts().slice(0, 2)).toEqual([`${input.orderId}:DELIVERED:late:1`, `${input.orderId}:DELIVERED:late:2`]);
      expect(await child.query(fulfilmentStateQuery)).toMatchObject({
        stage: 'IN_TRANSIT',
        alerts: arrayContaining([stringContaining('delivery is overdue')]),
      });
      expect((await handle.query(sagaStateQuery)).status).toBe('SHIPPED');
      await child.signal(carrierEventSignal, { type: 'DELIVERED', at: new Date().toISOString() });
      expect(await handle.result()).toMatchObject({ status: 'DELIVERED' });
    });
  });

  it('a non-retryable programming error from a step is not retried: the saga compensates and ends FAILED', async () => {
    let attempts = 0;
    const { fakes } = createFakes({
      catalog: {
        priceOrder: () => {
          attempts++;
          return Promise.reject(ApplicationFailure.nonRetryable('pricing bug', 'TypeError'));
        },
      },
    });
    await withWorkers(env, fakes, async () => {
      const handle = await startSaga(env, sagaInput());
      expect(await handle.result()).toMatchObject({ status: 'FAILED', failure: { reason: stringContaining('pricing bug') } });
      expect(attempts).toBe(1);
      expect((await activityRetries(handle, 'priceOrder')).map((r) => r.attempts)).toEqual([1]);
    });
  });

  it("a plain Error from a step is retried up to its policy's maximum attempts, then the saga compensates and ends FAILED", async () => {
    // A plain Error is what a bug or an outage throws: retryable, so it runs out of
    // attempts (workflows/activity-proxies.ts) rather than failing at once; the saga
    // must then still settle (FAILED, an operator's case), never stall.
    const attempts: number[] = [];
    const { fakes, calls } = createFakes({
      catalog: {
        priceOrder: () => {
          attempts.push(Context.current().info.attempt);
          return Promise.reject(new Error('pricing service keeps failing'));
        },
      },
    });
    await withWorkers(env, fakes, async () => {
      const input = sagaInput();
      const handle = await startSaga(env, input);
      // result() lets the server skip the backoff between attempts
      expect(await handle.result()).toMatchObject({
        status: 'FAILED',
        failure: { reason: stringContaining('pricing service keeps failing') },
      });
      const [run, ...more] = await activityRetries(handle, 'priceOrder');
      expect(more).toEqual([]);
      expect(run!.policy.maximumAttempts).toBeGreaterThan(1);
      expect(run!.attempts).toBe(run!.policy.maximumAttempts);
      expect(attempts).toEqual(Array.from({ length: run!.policy.maximumAttempts }, (_, i) => i + 1));
      // nothing after pricing was attempted, and the order's log says how it ended
      expect(calls.names).not.toContain('reserveStock');
      expect(calls.names).not.toContain('chargePayment');
      expect(calls.events.at(-1)).toBe('OrderFailed');
      expect(await handle.query(sagaStateQuery)).toMatchObject({ status: 'FAILED' });
    });
  });

  it('with the workflow cache off every task replays, with the same outcome', async () => {
    const { fakes, calls } = createFakes();
    await withWorkers(
      env,
      fakes,
      async () => {
        const input = sagaInput();
        const handle = await startSaga(env, input);
        await waitForState(handle, (s) => !!s.shipment, 'a shipment');
        await deliver(env, input.orderId);
        expect(await handle.result()).toEqual({ orderId: input.orderId, status: 'DELIVERED' });
        expect(calls.charged).toBe(1);
      },
      { maxCachedWorkflows: 0 },
    );
  });
});
