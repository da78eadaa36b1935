// Records the histories the replay test checks the workflow code against: one per
// branch family, on the time-skipping server with the in-memory activities.
// Re-record only when a workflow change is meant to break old histories (and
// then running workflows need a patch instead): `npm run histories:record`,
// or RECORD_HISTORIES=<scenario>,<scenario> for some of them.
import { writeFileSync } from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { cancelOrderUpdate, type OrderSagaInput } from '../../services/orders/temporal/contract.js';
import { firstOrderPlacedSignal, usersTaskQueue } from '../../services/users/temporal/contract.js';
import type { onboarding } from '../../workflows/onboarding.js';
import { createFakes } from '../workflows/fakes.js';
import { deliver, sagaInput, startSaga, terminateStarted, waitForState, withWorkers } from '../workflows/harness.js';
import { bundleWithWorkflowApi } from './bundles.js';
import { historiesDir, toFixture, type History } from '../../scripts/replay-fixture.js';

type Scenario = (env: TestWorkflowEnvironment) => Promise<Record<string, string>>;

const startOnboarding = (env: TestWorkflowEnvironment, userId: string) =>
  env.client.workflow.start<typeof onboarding>('onboarding', {
    taskQueue: usersTaskQueue,
    workflowId: `onboarding-${userId}`,
    args: [{ userId, email: `${userId}@example.com`, name: 'Ada', settings: { reminderDelay: '3 days' } }],
  });

/** An order placed, picked up and delivered: the saga completes. */
async function deliveredOrder(env: TestWorkflowEnvironment, contact?: OrderSagaInput['contact']) {
  const input = { ...sagaInput(), ...(contact ? { contact } : {}) };
  const handle = await startSaga(env, input);
  await waitForState(handle, (s) => !!s.shipment, 'a shipment');
  await deliver(env, input.orderId);
  await handle.result();
  return { orderId: input.orderId, workflowId: handle.workflowId };
}

/** Each scenario runs one workflow to its end and names the workflow ids whose histories to keep. */
const scenarios: Record<string, Scenario> = {
  async cancelledAfterCharge(env) {
    const input = sagaInput();
    const handle = await startSaga(env, input);
    await waitForState(handle, (s) => s.status === 'CONFIRMED' && !!s.shipment, 'CONFIRMED with a shipment');
    await handle.executeUpdate(cancelOrderUpdate, { args: [{ requestedBy: input.customerId }] });
    await waitForState(handle, (s) => s.status === 'CANCELLED', 'CANCELLED');
    await env.client.workflow.getHandle(`fulfilment-${input.orderId}`).result();
    return { 'order-cancelled-after-charge': handle.workflowId, 'fulfilment-cancelled': `fulfilment-${input.orderId}` };
  },
  async compensationFailed(env) {
    const handle = await startSaga(env, sagaInput({ paymentToken: 'tok_declined' }, { compensationMaxAttempts: 2 }));
    await handle.result();
    return { 'order-failed-compensation': handle.workflowId };
  },
  async outOfStock(env) {
    const handle = await startSaga(env, sagaInput({ items: [{ sku: 'SOLDOUT-1', quantity: 1 }] }));
    await handle.result();
    return { 'order-out-of-stock': handle.workflowId };
  },
  async approvalTimeout(env) {
    const handle = await startSaga(env, sagaInput({ items: [{ sku: 'PRICEY-1', quantity: 1 }] }));
    await waitForState(handle, (s) => s.status === 'AWAITING_APPROVAL', 'AWAITING_APPROVAL');
    await handle.result(); // time skips past the 24 h approval timeout
    return { 'order-approval-timeout': handle.workflowId };
  },
  async onboardingReminded(env) {
    const handle = await startOnboarding(env, 'replay-reminded');
    await handle.result();
    return { 'onboarding-reminded': handle.workflowId };
  },
  async onboardingOrdered(env) {
    const handle = await startOnboarding(env, 'replay-ordered');
    await handle.signal(firstOrderPlacedSignal, { orderId: 'o-1' });
    await handle.result();
    return { 'onboarding-ordered': handle.workflowId };
  },
  /** The same delivery, recorded by the saga as it was before the onboarding-signal patch. */
  async deliveredBeforeOnboardingPatch(env) {
    const { workflowId } = await deliveredOrder(env);
    return { 'order-delivered-before-onboarding-patch': workflowId };
  },
  /**
   * The saga as the gateway starts it since the address came with the input: no contact lookup,
   * the order log in batches (the fewer-round-trips patch), one status upsert to CONFIRMED.
   */
  async deliveredWithContact(env) {
    const { workflowId } = await deliveredOrder(env, { email: 'ada@shop.example' });
    return { 'order-delivered-with-contact': workflowId };
  },
  async delivered(env) {
    const { orderId, workflowId } = await deliveredOrder(env);
    await env.client.workflow.getHandle(`fulfilment-${orderId}`).result(); // the review request, 7 days on
    return { 'order-delivered': workflowId, 'fulfilment-reviewed': `fulfilment-${orderId}` };
  },
};

/**
 * Runs every scenario, each on a fresh server (after some branches the test
 * server stops skipping time for later workflows), and writes its histories to
 * test/replay/histories/<name>.json.
 */
export async function recordHistories(createEnv: () => Promise<TestWorkflowEnvironment>, only?: string[]): Promise<string[]> {
  const written: string[] = [];
  const unknown = (only ?? []).filter((name) => !(name in scenarios));
  if (unknown.length) throw new Error(`unknown scenarios ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}`);
  for (const [name, scenario] of Object.entries(scenarios)) {
    if (only && !only.includes(name)) continue;
    const env = await createEnv();
    try {
      const { fakes } = createFakes(
        scenario === scenarios.compensationFailed
          ? { inventory: { releaseStock: () => Promise.reject(new Error('inventory database is gone')) } }
          : {},
      );
      const legacy = scenario === scenarios.deliveredBeforeOnboardingPatch;
      const ids = await withWorkers(
        env,
        fakes,
        () => scenario(env),
        legacy ? { workflowBundle: await bundleWithWorkflowApi('before-patch') } : {},
      );
      await terminateStarted(env);
      for (const [name, workflowId] of Object.entries(ids)) {
        const history: History = await env.client.workflow.getHandle(workflowId).fetchHistory();
        writeFileSync(new URL(`${name}.json`, historiesDir), toFixture(history));
        written.push(name);
      }
    } finally {
      await env.teardown();
    }
  }
  return written;
}
