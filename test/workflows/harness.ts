// Runs workflows on a time-skipping test server: the workflows bundle once per
// file, one worker per task queue (the saga's worker exactly as the orchestrator
// configures it), and helpers to start sagas and wait on their live state.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkerOptions, type WorkflowBundle } from '@temporalio/worker';
import { orchestratorWorkerOptions, workflowsPath } from '../../services/orchestrator/worker-options.js';
import { TaskQueues, type PlaceOrderInput } from '../../shared/domain.js';
import type { OrderSagaInput, OrderSagaSettings, SagaState } from '../../workflows/definitions.js';
import { carrierEventSignal, sagaStateQuery } from '../../workflows/definitions.js';
import { queueOf, type Fakes } from './fakes.js';

let bundle: Promise<WorkflowBundle> | undefined;
export const workflowBundle = () => (bundle ??= bundleWorkflowCode({ workflowsPath, logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } }));

/** Runs `body` while the saga worker and one worker per service queue poll. */
export async function withWorkers<T>(env: TestWorkflowEnvironment, activities: Fakes | Record<keyof Fakes, object>, body: () => Promise<T>, sagaOptions: Partial<WorkerOptions> = {}): Promise<T> {
  const { workflowsPath: _ignored, ...options } = orchestratorWorkerOptions(sagaOptions);
  const workers = [
    await Worker.create({ ...options, connection: env.nativeConnection, workflowBundle: sagaOptions.workflowBundle ?? (await workflowBundle()) }),
    ...(await Promise.all((Object.keys(queueOf) as Array<keyof Fakes>).map((q) =>
      Worker.create({ connection: env.nativeConnection, taskQueue: queueOf[q], activities: activities[q] as object })))),
  ];
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
export function sagaInput(over: Partial<PlaceOrderInput> = {}, s: Partial<OrderSagaSettings> = {}): OrderSagaInput {
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

export function startSaga(env: TestWorkflowEnvironment, input: OrderSagaInput) {
  started.push(input.orderId);
  return env.client.workflow.start('orderSaga', { taskQueue: TaskQueues.sagas, workflowId: `order-${input.orderId}`, args: [input] });
}

/**
 * Terminates every saga (and fulfilment child) a test started. One left waiting
 * would wake up when a later test skips time and block the skipping with
 * activities that no worker serves any more.
 */
export async function terminateStarted(env: TestWorkflowEnvironment): Promise<void> {
  for (const orderId of started.splice(0)) {
    for (const id of [`order-${orderId}`, `fulfilment-${orderId}`]) {
      await env.client.workflow.getHandle(id).terminate('test finished').catch(() => undefined);
    }
  }
}

/** Polls the saga's query (in real time) until `done` holds. */
export async function waitForState(handle: { query: (q: typeof sagaStateQuery) => Promise<SagaState> }, done: (s: SagaState) => boolean, what = 'state'): Promise<SagaState> {
  const deadline = Date.now() + 20_000;
  let last: SagaState | undefined;
  while (Date.now() < deadline) {
    try {
      last = await handle.query(sagaStateQuery);
      if (done(last)) return last;
    } catch { /* not started yet */ }
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
  const wait = new Promise<void>((resolve) => { open = resolve; });
  return { wait, open };
}

/** Plays the carrier: picked up, then delivered, through the fulfilment child's signal. */
export async function deliver(env: TestWorkflowEnvironment, orderId: string): Promise<void> {
  const child = env.client.workflow.getHandle(`fulfilment-${orderId}`);
  await child.signal(carrierEventSignal, { type: 'PICKED_UP', at: new Date().toISOString() });
  await child.signal(carrierEventSignal, { type: 'DELIVERED', at: new Date().toISOString() });
}
