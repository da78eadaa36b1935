// The fulfilment workflow holds a bounded number of carrier events: a carrier
// repeating its events (by mistake or on purpose) adds nothing it keeps. On the
// shared dev server (no timer needs to fire here, so no time skipping).
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { carrierEventSignal, fulfilmentStateQuery } from '../../services/shipping/temporal/contract.js';
import { createDevServerEnv } from '../support/stack.js';
import { createFakes } from './fakes.js';
import { sagaInput, startSaga, terminateStarted, waitForState, withWorkers } from './harness.js';

let env: TestWorkflowEnvironment;
beforeEach(async () => {
  env = await createDevServerEnv();
}, 120_000);
afterEach(async () => {
  await terminateStarted(env);
  await env.teardown();
});

describe('fulfilment', () => {
  it('keeps one carrier event per type however often the carrier sends it, and still delivers', { timeout: 180_000 }, async () => {
    const { fakes } = createFakes();
    await withWorkers(env, fakes, async () => {
      const input = sagaInput({}, { fulfilment: { pickupTimeout: '48h', deliveryTimeout: '48h', reviewRequestDelay: '7 days' } });
      const handle = await startSaga(env, input);
      await waitForState(handle, (s) => !!s.shipment, 'a shipment');
      const child = env.client.workflow.getHandle(`fulfilment-${input.orderId}`);
      const REPEATS = 30;
      for (let i = 0; i < REPEATS; i++) await child.signal(carrierEventSignal, { type: 'PICKED_UP', at: new Date().toISOString() });
      await waitForState(handle, (s) => s.status === 'SHIPPED', 'SHIPPED');
      expect(await child.query(fulfilmentStateQuery)).toMatchObject({ stage: 'IN_TRANSIT', carrierEvents: 1 });
      for (let i = 0; i < REPEATS; i++) await child.signal(carrierEventSignal, { type: 'DELIVERED', at: new Date().toISOString() });
      expect(await handle.result()).toMatchObject({ status: 'DELIVERED' });
      expect(await child.query(fulfilmentStateQuery)).toMatchObject({ stage: 'DELIVERED', carrierEvents: 2 });
    });
  });
});
