// Placing an order = starting its saga. Shared by POST /orders and the cart
// checkout: the order id comes from (caller, Idempotency-Key), the workflow id
// from the order id, and Temporal's workflow-id uniqueness is the final guard
// against a second order for the same request.
import { WorkflowExecutionAlreadyStartedError, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/client';
import type { Context } from 'hono';
import type { OrderLine, ShippingAddress } from '../shared/domain.js';
import { TaskQueues, workflowIds } from '../shared/domain.js';
import { problem } from '../shared/problem.js';
import { orderSagaSettings } from '../shared/saga-settings.js';
import type { Caller } from '../shared/service-auth.js';
import { WorkflowTypes } from '../workflows/definitions.js';
import type { orderSaga } from '../workflows/order-saga.js';
import { CustomerIdKey, OrderStatusKey } from '../workflows/search-attributes.js';
import type { GatewayDeps, GatewayEnv } from './context.js';
import { IdempotencyStore, fingerprint, orderIdFor } from './middleware/idempotency.js';

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

export class OrderPlacement {
  private readonly idempotency: IdempotencyStore;

  constructor(private readonly deps: GatewayDeps) {
    this.idempotency = new IdempotencyStore(deps.redis, deps.config.IDEMPOTENCY_TTL_SECONDS, deps.logger);
  }

  /**
   * Runs `place` at most once per (caller, key, body): replays the stored answer,
   * or answers 409 (still in flight) / 422 (same key, other body).
   * `body` is what identifies the request (for checkout: the cart's content too).
   */
  async once(c: Context<GatewayEnv>, user: Caller, key: string, body: unknown, place: (orderId: string) => Promise<Accepted>): Promise<Response> {
    const scope = `${user.userId}:${c.req.path}`;
    const print = fingerprint(body);
    const outcome = await this.idempotency.begin(scope, key, print);
    switch (outcome.kind) {
      case 'mismatch':
        throw problem.unprocessable('this Idempotency-Key was already used with a different request body');
      case 'in-flight':
        throw problem.conflict('a request with this Idempotency-Key is still being processed; retry later');
      case 'replay':
        c.header('Idempotent-Replayed', 'true');
        return c.json(outcome.body as Accepted, outcome.status as 202);
      case 'new':
        break;
    }
    let accepted: Accepted;
    try {
      accepted = await place(orderIdFor(user.userId, key));
    } catch (error) {
      // Nothing was started (a 4xx, or Temporal unreachable): the client may retry with the same key.
      await this.idempotency.abandon(scope, key);
      throw error;
    }
    await this.idempotency.complete(scope, key, print, 202, accepted);
    c.header('Location', accepted.links.self);
    return c.json(accepted, 202);
  }

  /** Starts the saga; an already running or finished saga of this id is the same order. */
  async start(c: Context<GatewayEnv>, user: Caller, orderId: string, order: OrderRequest): Promise<Accepted> {
    const requestId = c.get('requestId');
    try {
      await this.deps.temporal.workflow.start<typeof orderSaga>(WorkflowTypes.orderSaga, {
        taskQueue: TaskQueues.sagas,
        workflowId: workflowIds.order(orderId),
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
        args: [{ orderId, customerId: user.userId, ...order, requestId, settings: orderSagaSettings(this.deps.config) }],
        typedSearchAttributes: [
          { key: OrderStatusKey, value: 'PENDING' },
          { key: CustomerIdKey, value: user.userId },
        ],
        memo: { requestId },
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) {
        this.deps.logger.error({ err: error, orderId }, 'could not start the order saga');
        throw problem.unavailable('the order could not be started; retry with the same Idempotency-Key');
      }
    }
    return { orderId, status: 'PENDING', links: { self: `/api/v1/orders/${orderId}` } };
  }
}

