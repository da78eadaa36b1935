// The onboarding workflow on the time-skipping server: welcome now, a reminder
// after the configured delay unless the first order arrives before it.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstOrderPlacedSignal, usersTaskQueue } from '../../services/users/temporal/contract.js';
import type { onboarding } from '../../workflows/onboarding.js';
import { createTimeSkippingEnv } from '../support/stack.js';
import { createFakes } from './fakes.js';
import { withWorkers } from './harness.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

const start = (userId: string) =>
  env.client.workflow.start<typeof onboarding>('onboarding', {
    taskQueue: usersTaskQueue,
    workflowId: `onboarding-${userId}`,
    args: [{ userId, email: `${userId}@example.com`, name: 'Ada', settings: { reminderDelay: '3 days' } }],
  });

describe('onboarding', () => {
  it('welcomes, and reminds after 3 days without an order', async () => {
    const { fakes, calls } = createFakes();
    await withWorkers(env, fakes, async () => {
      const handle = await start('u-remind');
      expect(await handle.result()).toEqual({ userId: 'u-remind', reminded: true });
      expect(calls.notifications.map((n) => n.key)).toEqual(['u-remind:welcome', 'u-remind:reminder']);
    });
  });

  it('a first order (signalled by the saga) cancels the reminder', async () => {
    const { fakes, calls } = createFakes();
    await withWorkers(env, fakes, async () => {
      const handle = await start('u-order');
      await handle.signal(firstOrderPlacedSignal, { orderId: 'o-1' });
      expect(await handle.result()).toEqual({ userId: 'u-order', reminded: false, firstOrderId: 'o-1' });
      expect(calls.notifications.map((n) => n.template)).toEqual(['welcome']);
    });
  });
});
