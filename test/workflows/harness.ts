// Runs workflows on a time-skipping test server: the workflows bundle once per
// file, one worker per service task queue as the services run them (orders,
// shipping and users also run the workflows they own, with their own
// activities local to them), and helpers to start sagas and wait on their live state.
import { fileURLToPath } from 'node:url';
import { ApplicationFailure, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { bundleWorkflowCode, Worker, type WorkerOptions, type WorkflowBundle } from '@temporalio/worker';
import type { OrderRequest } from '../../shared/domain/order.js';
import type { OrderSagaInput, OrderSagaSettings, SagaState } from '../../services/orders/temporal/contract.js';
import { UPDATE_ALREADY_APPLIED, UPDATE_REJECTED, sagaStateQuery, orderSagaWorkflow } from '../../services/orders/temporal/contract.js';
import { carrierEventSignal, fulfilmentWorkflow } from '../../services/shipping/temporal/contract.js';
import { onboardingWorkflow } from '../../services/users/temporal/contract.js';
import { checkoutWorkflow } from '../../services/cart/temporal/contract.js';
import { silentLogger } from '../../shared/temporal/silent-logger.js';
import { createTimeSkippingEnv } from '../support/stack.js';
import { queueOf, type Fakes } from './fakes.js';
import type { orderSaga } from '../../workflows/order-saga.js';

/** Every workflow in one module; each hosting worker below polls only its own queue. */
export const workflowsPath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));
/** The queues workflows run on, as the services' contracts name them: their workers host workflows. */
const HOSTING_QUEUES: ReadonlySet<string> = new Set(
  [orderSagaWorkflow, fulfilmentWorkflow, onboardingWorkflow, checkoutWorkflow].map((w) => w.taskQueue),
);

let bundle: Promise<WorkflowBundle> | undefined;
export const workflowBundle = () =>
  (bundle ??= bundleWorkflowCode({
    workflowsPath,
    logger: silentLogger,
  }));

/** Runs `body` while one worker per service queue polls; `workflowOptions` apply to the workflow hosts. */
export async function withWorkers<T>(
  env: TestWorkflowEnvironment,
  activities: Fakes | Record<keyof Fakes, object>,
  body: () => Promise<T>,
  workflowOptions: Partial<WorkerOptions> = {},
): Promise<T> {
  const workflowBundleToRun = workflowOptions.workflowBundle ?? (await workflowBundle());
  const workers = await Promise.all(
    (Object.keys(queueOf) as Array<keyof Fakes>).map((q) =>
      Worker.create({
        connection: env.nativeConnection,
        taskQueue: queueOf[q],
        activities: activities[q],
        ...(HOSTING_QUEUES.has(queueOf[q]) ? { ...workflowOptions, workflowBundle: workflowBundleToRun } : {}),
      }),
    ),
  );
  const running = workers.map((w) => w.run());
  try {
    return await body();
  } finally {
    // While the workers still poll: a workflow task left in flight by a stopped
    // worker keeps the test server from ever skipping time again.
    await terminateStarted(env);
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await Promise.all(running);
  }
}

export const settings = (over: Partial<OrderSagaSettings> = {}): OrderSagaSettings => ({
  approvalThresholdCents: 100_000,
  approvalTimeout: '24h',
  compensationMaxAttempts: 5,
  fulfilment: { pickupTimeout: '48h', deliveryTimeout: '7 days', reviewRequestDelay: '7 days' },
  ...over,
});

let counter = 0;
export function sagaInput(
  over: Partial<OrderRequest & { orderId: string; customerId: string }> = {},
  s: Partial<OrderSagaSettings> = {},
): OrderSagaInput {
  counter += 1;
  return {
    orderId: `o${Date.now().toString(36)}${counter}`,
    customerId: 'cust-1',
    items: [{ sku: 'MUG', quantity: 2 }],
    paymentToken: 'tok_visa',
    shippingAddress: { name: 'Ada', line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' },
    ...over,
    settings: settings(s),
  };
}

const started: string[] = [];

/** `workflowTaskTimeout`: a worker holding a local activity reports back every 80% of it (10 s by default). */
export function startSaga(env: TestWorkflowEnvironment, input: OrderSagaInput, options: { workflowTaskTimeout?: string } = {}) {
  started.push(input.orderId);
  return env.client.workflow.start<typeof orderSaga>('orderSaga', {
    taskQueue: orderSagaWorkflow.taskQueue,
    workflowId: `order-${input.orderId}`,
    args: [input],
    ...options,
  });
}

/**
 * Terminates every saga (and fulfilment child) a test started. One left waiting
 * would wake up when a later test skips time and block the skipping with
 * activities that no worker serves any more.
 */
export async function terminateStarted(env: TestWorkflowEnvironment): Promise<void> {
  for (const orderId of started.splice(0)) {
    for (const id of [`order-${orderId}`, `fulfilment-${orderId}`]) {
      await env.client.workflow
        .getHandle(id)
        .terminate('test finished')
        .catch(() => undefined);
    }
  }
}

/** Polls the saga's query (in real time) until `done` holds. */
export async function waitForState(
  handle: { query: (q: typeof sagaStateQuery) => Promise<SagaState> },
  done: (s: SagaState) => boolean,
  what = 'state',
  timeoutMs = 20_000,
): Promise<SagaState> {
  const deadline = Date.now() + timeoutMs;
  let last: SagaState | undefined;
  while (Date.now() < deadline) {
    try {
      last = await handle.query(sagaStateQuery);
      if (done(last)) return last;
    } catch {
      /* not started yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`saga did not reach ${what}; last ${JSON.stringify(last)}`);
}

/** Polls (in real time) until `done` holds, e.g. an in-memory activity was called; `refresh` reloads what it checks. */
export async function until(done: () => boolean, what: string, refresh?: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    await refresh?.();
    if (done()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, refresh ? 200 : 20));
  }
}

/** A promise the test resolves later: holds an activity "in flight". */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

/** Plays the carrier: picked up, then delivered, through the fulfilment child's signal. */
export async function deliver(env: TestWorkflowEnvironment, orderId: string): Promise<void> {
  const child = env.client.workflow.getHandle(`fulfilment-${orderId}`);
  await child.signal(carrierEventSignal, { type: 'PICKED_UP', at: new Date().toISOString() });
  await child.signal(carrierEventSignal, { type: 'DELIVERED', at: new Date().toISOString() });
}

/** The update was refused by the saga's validator: nothing recorded, the order's status and the reason in the failure. */
export async function expectRefused(update: Promise<unknown>, status: string, reason: RegExp): Promise<void> {
  const error = await update.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect(cause).toMatchObject({ type: UPDATE_REJECTED, details: [{ status }] });
  expect((cause as ApplicationFailure).message).toMatch(reason);
}

/** A repeat of an accepted update, answered by the validator (so not in the history) with the order's status. */
export async function expectAlreadyApplied(update: Promise<unknown>, status: string): Promise<void> {
  const error = await update.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((error as WorkflowUpdateFailedError).cause).toMatchObject({ type: UPDATE_ALREADY_APPLIED, details: [{ status }] });
}

/** How many updates of this name the saga's history holds as accepted. */
export async function acceptedUpdates(handle: Pick<WorkflowHandle, 'fetchHistory'>, name: string) {
  const { events } = await handle.fetchHistory();
  return (events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === name).length;
}

/**
 * One time-skipping test server for the calling file: started before its tests, every
 * workflow a test started terminated after it, stopped at the end. Returns the server.
 */
export function useTimeSkippingServer(): () => TestWorkflowEnvironment {
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  }, 120_000);
  afterEach(async () => {
    if (env) await terminateStarted(env);
  });
  afterAll(async () => {
    await env?.teardown();
  });
  return () => {
    if (!env) throw new Error('the time-skipping server is not running (used outside a test?)');
    return env;
  };
}

/** What a workflow's history says of one scheduled activity: how it was retried. */
export interface ActivityRetries {
  /** The attempt that ended it (1: never retried). */
  attempts: number;
  /** Its retry policy, as the workflow scheduled it. */
  policy: { maximumAttempts: number; initialIntervalMs: number; backoffCoefficient: number };
  /** From scheduling to the start of its last attempt (server time): the backoff it waited. */
  waitedMs: number;
}

/** Every run of `activityType` in the workflow's history, in order (counted from the history, not from the activity's own calls). */
export async function activityRetries(handle: WorkflowHandle, activityType: string): Promise<ActivityRetries[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = new Map<string, (typeof events)[number]>();
  const runs: ActivityRetries[] = [];
  for (const event of events) {
    const s = event.activityTaskScheduledEventAttributes;
    if (s?.activityType?.name === activityType) scheduled.set(String(event.eventId), event);
    const started = event.activityTaskStartedEventAttributes;
    const from = started && scheduled.get(String(started.scheduledEventId));
    if (!started || !from) continue;
    const policy = from.activityTaskScheduledEventAttributes!.retryPolicy!;
    runs.push({
      attempts: started.attempt ?? 0,
      policy: {
        maximumAttempts: policy.maximumAttempts ?? 0,
        initialIntervalMs: tsToMs(policy.initialInterval),
        backoffCoefficient: policy.backoffCoefficient ?? 0,
      },
      waitedMs: tsToMs(event.eventTime) - tsToMs(from.eventTime),
    });
  }
  return runs;
}
