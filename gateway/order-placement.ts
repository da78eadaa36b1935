// Placing an order = starting its saga. Shared by POST /orders and the cart
// checkout: the order id comes from (caller, Idempotency-Key), the workflow id
// from the order id, and Temporal's workflow-id uniqueness is the final guard
// against a second order for the same request. The request's fingerprint is kept
// in the workflow's memo, so a reused key with another body is refused (422) even
// when the Redis idempotency store is unavailable or has forgotten the key.
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowIdConflictPolicy, WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/client';
import type { Context } from 'hono';
import type { OrderLine, ShippingAddress } from '../shared/domain/order.js';
import { workflowIds } from '../shared/domain/vocabulary.js';
import { problem } from '../shared/problem.js';
import { temporalProblem } from './middleware/temporal-budget.js';
import { orderSagaSettings } from './saga-settings.js';
import type { Caller } from '../shared/service-auth.js';
import { Workflows, settledUpdate } from '../workflows/definitions.js';
import type { orderSaga } from '../workflows/order-saga.js';
import { CustomerIdKey, OrderStatusKey } from '../workflows/search-attributes.js';
import type { GatewayDeps, GatewayEnv } from './context.js';
import { loadOrder, orderView } from './order-view.js';
import { IdempotencyStore, fingerprint, orderIdFor } from './middleware/idempotency.js';
import { SETTLED_UPDATE_ID, isStillWaiting, waitUntilSettled } from './saga-wait.js';

export interface OrderRequest {
  items: OrderLine[];
  paymentToken: string;
  shippingAddress: ShippingAddress;
}

export interface Accepted {
  orderId: string;
  status: 'PENDING';
  links: { self: string };
}

/** What placing did: whether the saga had settled by the end of the wait (`Prefer: wait`). */
export interface Placed {
  settled: boolean;
}

export class OrderPlacement {
  private readonly idempotency: IdempotencyStore;
  /** A timeout may or may not have started the saga: either way the same key is safe to retry. */
  private readonly temporalFailure: ReturnType<typeof temporalProblem>;

  constructor(private readonly deps: GatewayDeps) {
    this.idempotency = new IdempotencyStore(deps.redis, deps.config.IDEMPOTENCY_TTL_SECONDS, deps.logger);
    this.temporalFailure = temporalProblem(deps.config.DOWNSTREAM_TIMEOUT_MS, 'retry with the same Idempotency-Key');
  }

  /**
   * Runs `place` at most once per (caller, key, body): replays the stored answer,
   * or answers 409 (still in flight) / 422 (same key, other body).
   * `body` is what identifies the request; `place` gets the order id and the body's fingerprint.
   * With `waitSeconds` (`Prefer: wait`) a saga that settles in time is answered 201 with the order.
   */
  async once(c: Context<GatewayEnv>, user: Caller, key: string, body: unknown, place: (orderId: string, print: string) => Promise<Placed>, waitSeconds?: number): Promise<Response> {
    const scope = `${user.userId}:${c.req.path}`;
    const print = fingerprint(body);
    const outcome = await this.idempotency.begin(scope, key, print);
    switch (outcome.kind) {
      case 'mismatch':
        throw mismatch();
      case 'in-flight':
        throw problem.conflict('a request with this Idempotency-Key is still being processed; retry later');
      case 'replay': {
        const answer = outcome.body as Accepted;
        if (waitSeconds && (await waitUntilSettled(this.deps.temporal, answer.orderId, waitSeconds))) return this.settledAnswer(c, user, answer.orderId, waitSeconds);
        c.header('Idempotent-Replayed', 'true');
        return c.json(answer, outcome.status as 202);
      }
      case 'new':
        break;
    }
    const orderId = orderIdFor(user.userId, key);
    let placed: Placed;
    try {
      placed = await place(orderId, print);
    } catch (error) {
      // Nothing was started (a 4xx, or Temporal unreachable): the client may retry with the same key.
      await this.idempotency.abandon(scope, key);
      throw error;
    }
    const accepted = acceptedAnswer(orderId);
    await this.idempotency.complete(scope, key, print, 202, accepted);
    if (placed.settled && waitSeconds) return this.settledAnswer(c, user, orderId, waitSeconds);
    c.header('Location', accepted.links.self);
    return c.json(accepted, 202);
  }

  /** 201 with the order as GET /orders/{orderId} shows it, once its saga has settled. */
  private async settledAnswer(c: Context<GatewayEnv>, user: Caller, orderId: string, waitSeconds: number): Promise<Response> {
    const view = orderView(orderId, await loadOrder(this.deps, user, orderId, c.get('requestId')));
    c.header('Location', acceptedAnswer(orderId).links.self);
    c.header('Preference-Applied', `wait=${waitSeconds}`);
    return c.json(view, 201);
  }

  /** Starts the saga; an already running or finished saga of this id is the same order (422 if placed with another body). */
  async start(c: Context<GatewayEnv>, user: Caller, orderId: string, order: OrderRequest, print: string, waitSeconds?: number): Promise<Placed> {
    return this.startSaga(c, user, orderId, order, print, waitSeconds);
  }

  /**
   * Starts the saga. `started` tells whether this call started it (false: the same request
   * had already). With `waitSeconds` the start carries the saga's `settled` update
   * (update-with-start: one round trip), and `settled` tells whether it settled in time.
   */
  async startSaga(c: Context<GatewayEnv>, user: Caller, orderId: string, order: OrderRequest, print: string, waitSeconds?: number): Promise<{ started: boolean; settled: boolean }> {
    const requestId = c.get('requestId');
    const options = {
      taskQueue: Workflows.orderSaga.taskQueue,
      workflowId: workflowIds.order(orderId),
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
      args: [{ orderId, customerId: user.userId, ...order, requestId, settings: orderSagaSettings(this.deps.config) }] as Parameters<typeof orderSaga>,
      typedSearchAttributes: [
        { key: OrderStatusKey, value: 'PENDING' },
        { key: CustomerIdKey, value: user.userId },
      ],
      memo: { requestId, [FINGERPRINT_MEMO]: print },
    };
    const { temporal } = this.deps;
    try {
      if (!waitSeconds) {
        await temporal.workflow.start<typeof orderSaga>(Workflows.orderSaga.type, options);
        return { started: true, settled: false };
      }
      const startOperation = new WithStartWorkflowOperation<typeof orderSaga>(Workflows.orderSaga.type, options);
      return await temporal.connection.withDeadline(Date.now() + waitSeconds * 1000, async () => {
        // Accepted: the start has happened (or failed) by then; then the wait for the outcome.
        const update = await temporal.workflow.startUpdateWithStart(settledUpdate, { updateId: SETTLED_UPDATE_ID, waitForStage: 'ACCEPTED', startWorkflowOperation: startOperation });
        try {
          await update.result();
          return { started: true, settled: true };
        } catch (error) {
          if (isStillWaiting(error)) return { started: true, settled: false };
          throw error;
        }
      });
    } catch (error) {
      // Not even accepted within the wait (no worker polls, or Temporal is slow): the
      // start may or may not have happened, so look before answering.
      if (waitSeconds && isStillWaiting(error) && (await this.existing(orderId, print))) return { started: false, settled: false };
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) {
        this.deps.logger.error({ err: error, orderId }, 'could not start the order saga');
        throw this.temporalFailure(error) ?? problem.unavailable('the order could not be started; retry with the same Idempotency-Key');
      }
    }
    await this.existing(orderId, print);
    return { started: false, settled: waitSeconds ? await waitUntilSettled(temporal, orderId, waitSeconds) : false };
  }

  /**
   * The order already placed under this order id (i.e. this caller and key), if any.
   * 422 when it was placed with another request body (sagas started before the
   * fingerprint was kept in the memo have none and count as the same request).
   */
  async existing(orderId: string, print: string): Promise<Accepted | undefined> {
    let memo: Record<string, unknown> | undefined;
    try {
      memo = (await this.deps.temporal.workflow.getHandle(workflowIds.order(orderId)).describe()).memo;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      this.deps.logger.error({ err: error, orderId }, 'could not look up the order saga');
      throw this.temporalFailure(error) ?? problem.unavailable('the order could not be looked up; retry with the same Idempotency-Key');
    }
    const stored = memo?.[FINGERPRINT_MEMO];
    if (typeof stored === 'string' && stored !== print) throw mismatch();
    return acceptedAnswer(orderId);
  }
}

/** Memo field of the order saga holding the fingerprint of the request that placed it. */
const FINGERPRINT_MEMO = 'requestFingerprint';

const mismatch = () => problem.unprocessable('this Idempotency-Key was already used with a different request body');

export const acceptedAnswer = (orderId: string): Accepted => ({ orderId, status: 'PENDING', links: { self: `/api/v1/orders/${orderId}` } });
