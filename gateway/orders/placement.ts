// Placing an order = starting its saga. Shared by POST /orders and the cart
// checkout, and free of HTTP: it gets what it needs as plain arguments. The order
// id comes from (caller, Idempotency-Key), the workflow id from the order id, and
// Temporal's workflow-id uniqueness is the final guard against a second order for
// the same request. The request's fingerprint is kept in the workflow's memo, so a
// reused key with another body is refused (422) even when the Redis idempotency
// store is unavailable or has forgotten the key. The memo also names the call that
// started the saga, so a call that could not see its start acknowledged (a
// `Prefer: wait` past its deadline) still knows, by looking, whether it started it.
import { createHash, randomUUID } from 'node:crypto';
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import type { Contact, OrderRequest } from '../../shared/domain/order.js';
import type { Logger } from '../../shared/logger.js';
import { HttpProblem } from '../../shared/problem.js';
import {
  orderSagaStart,
  orderSagaWorkflow,
  settledUpdate,
  type OrderSagaMemo,
  type OrderSagaSettings,
} from '../../services/orders/temporal/contract.js';
import type { orderSaga } from '../../workflows/order-saga.js';
import { temporalProblem } from '../temporal-problem.js';
import { SETTLED_UPDATE_ID, isStillWaiting, waitUntilSettled, type Settlement } from './wait.js';

/** The order id a (caller, key) pair always maps to: a UUID-shaped hash. */
export function orderIdFor(userId: string, key: string): string {
  const h = createHash('sha256').update(`${userId}\n${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface PlacementDeps {
  temporal: Client;
  logger: Logger;
  settings: OrderSagaSettings;
  /** The downstream budget, named in the problem a Temporal failure becomes. */
  budgetMs: number;
}

/** What placing needs of the request, whatever its route: the order's id and who asks. */
export interface PlacingRequest {
  orderId: string;
  customerId: string;
  /** The customer's address as the gateway knows it; the saga looks it up when absent. */
  contact?: Contact;
  /** What identifies the request that places it (the Idempotency-Key's body fingerprint). */
  fingerprint: string;
  requestId: string;
  /** `Prefer: wait`: also wait this long for the saga to settle. */
  waitSeconds?: number;
}

export interface PlaceOrder extends PlacingRequest {
  order: OrderRequest;
}

/** `settled`: within `waitSeconds`, with the state the saga answered the wait with. */
export interface Placed extends Settlement {
  /** This call started the saga, whether or not it saw the start acknowledged (false: an earlier call had). */
  started: boolean;
}

const FINGERPRINT_MEMO = 'requestFingerprint' satisfies keyof OrderSagaMemo;
const STARTED_BY_MEMO = 'startedBy' satisfies keyof OrderSagaMemo;

const mismatch = () => new HttpProblem('unprocessable', { detail: 'this Idempotency-Key was already used with a different request body' });

export class OrderPlacement {
  /** A timeout may or may not have started the saga: either way the same key is safe to retry. */
  private readonly temporalFailure: ReturnType<typeof temporalProblem>;

  constructor(private readonly deps: PlacementDeps) {
    this.temporalFailure = temporalProblem(deps.budgetMs, 'retry with the same Idempotency-Key');
  }

  /**
   * Starts the saga; an already running or finished saga of this id is the same
   * order (422 if it was placed with another body). With `waitSeconds` the start
   * carries the saga's `settled` update (update-with-start: one round trip).
   */
  async place({ orderId, customerId, contact, order, fingerprint, requestId, waitSeconds }: PlaceOrder): Promise<Placed> {
    const attempt = randomUUID();
    const options = {
      ...orderSagaStart(this.sagaInput({ orderId, customerId, contact, requestId }, order), {
        requestId,
        requestFingerprint: fingerprint,
        startedBy: attempt,
      }),
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
    };
    const { temporal } = this.deps;
    try {
      if (!waitSeconds) {
        await temporal.workflow.start<typeof orderSaga>(orderSagaWorkflow.type, options);
        return { started: true, settled: false };
      }
      const startOperation = new WithStartWorkflowOperation<typeof orderSaga>(orderSagaWorkflow.type, options);
      return await temporal.connection.withDeadline(Date.now() + waitSeconds * 1000, async () => {
        // Accepted: the start has happened (or failed) by then; then the wait for the outcome.
        const update = await temporal.workflow.startUpdateWithStart(settledUpdate, {
          updateId: SETTLED_UPDATE_ID,
          waitForStage: 'ACCEPTED',
          startWorkflowOperation: startOperation,
        });
        try {
          return { started: true, settled: true, state: await update.result() };
        } catch (error) {
          if (isStillWaiting(error)) return { started: true, settled: false };
          throw error;
        }
      });
    } catch (error) {
      // Not even accepted within the wait (no worker polls, or Temporal is slow): the
      // start may or may not have happened, so look before answering; the memo says whether this call did it.
      if (waitSeconds && isStillWaiting(error)) {
        const memo = await this.lookUp(orderId, fingerprint);
        if (memo) return { started: memo[STARTED_BY_MEMO] === attempt, settled: false };
      }
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) {
        this.deps.logger.error({ err: error, orderId }, 'could not start the order saga');
        throw (
          this.temporalFailure(error) ??
          new HttpProblem('unavailable', { detail: 'the order could not be started; retry with the same Idempotency-Key', cause: error })
        );
      }
    }
    // Already started: by an earlier call of the same request, or (a start the SDK retried) by this one.
    const memo = await this.lookUp(orderId, fingerprint);
    const started = memo?.[STARTED_BY_MEMO] === attempt;
    return { started, ...(waitSeconds ? await this.waitUntilSettled(orderId, waitSeconds) : { settled: false }) };
  }

  /** The saga's input for an order of this request: the gateway's settings go with it, into its history. */
  sagaInput<O>(request: Pick<PlacingRequest, 'orderId' | 'customerId' | 'contact' | 'requestId'>, order: O) {
    const { orderId, customerId, contact, requestId } = request;
    return { orderId, customerId, ...(contact ? { contact } : {}), ...order, requestId, settings: this.deps.settings };
  }

  /**
   * Whether an order was placed under this order id (i.e. this caller and key).
   * 422 when it was placed with another request body.
   */
  async existing(orderId: string, fingerprint: string): Promise<boolean> {
    return (await this.lookUp(orderId, fingerprint)) !== undefined;
  }

  /** The memo of the order's saga (undefined: no such saga); 422 when it was placed with another body. */
  private async lookUp(orderId: string, fingerprint: string): Promise<Record<string, unknown> | undefined> {
    const memo = await this.memoOf(orderId);
    if (memo && memo[FINGERPRINT_MEMO] !== fingerprint) throw mismatch();
    return memo;
  }

  private async memoOf(orderId: string): Promise<Record<string, unknown> | undefined> {
    try {
      return (await this.deps.temporal.workflow.getHandle(orderSagaWorkflow.id(orderId)).describe()).memo ?? {};
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      this.deps.logger.error({ err: error, orderId }, 'could not look up the order saga');
      throw (
        this.temporalFailure(error) ??
        new HttpProblem('unavailable', { detail: 'the order could not be looked up; retry with the same Idempotency-Key', cause: error })
      );
    }
  }

  waitUntilSettled(orderId: string, seconds: number): Promise<Settlement> {
    return waitUntilSettled(this.deps.temporal, orderId, seconds);
  }
}
