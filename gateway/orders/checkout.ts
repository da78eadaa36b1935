// Placing an order from the caller's cart: the checkout workflow (workflows/checkout.ts)
// claims the cart's lines under the order's id, starts the saga with them and settles
// the claim (the lines leave the cart exactly when the order exists), durably, so no
// compensation is left to this request. This waits for its outcome within the request's
// Temporal budget and answers it; a timeout leaves the checkout running, and a resend
// with the same Idempotency-Key finds it (the same workflow id). Free of HTTP routes,
// like ./placement.ts.
import { randomUUID } from 'node:crypto';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { OrderRequest } from '../../shared/domain/order.js';
import type { Logger } from '../../shared/logger.js';
import { HttpProblem } from '../../shared/problem.js';
import { checkoutWorkflow, type CheckoutInput, type CheckoutOutcome } from '../../services/cart/temporal/contract.js';
import type { checkout } from '../../workflows/checkout.js';
import { temporalProblem } from '../temporal-problem.js';
import type { OrderPlacement, Placed, PlacingRequest } from './placement.js';

/** What a checkout's body gives: everything of the order but its lines. */
export type CheckoutDetails = Omit<OrderRequest, 'items'>;

export interface CartCheckoutDeps {
  temporal: Client;
  placement: OrderPlacement;
  logger: Logger;
  /** The downstream budget, named in the problem a Temporal failure becomes. */
  budgetMs: number;
}

export class CartCheckout {
  private readonly temporalFailure: ReturnType<typeof temporalProblem>;

  constructor(private readonly deps: CartCheckoutDeps) {
    this.temporalFailure = temporalProblem(deps.budgetMs, 'retry with the same Idempotency-Key');
  }

  async checkout(request: PlacingRequest, details: CheckoutDetails): Promise<Placed> {
    const { orderId, fingerprint, waitSeconds } = request;
    const { placement } = this.deps;
    const outcome = await this.run(request, details);
    switch (outcome.state) {
      case 'busy':
        throw new HttpProblem('conflict', { detail: 'another checkout of this cart is under way; retry once it is done' });
      case 'unavailable':
        throw new HttpProblem('unavailable', { detail: 'the cart service is unavailable; retry with the same Idempotency-Key' });
      case 'committed':
      case 'empty':
        // A retry of a checkout that placed its order (the cart may hold new things since): that order.
        if (!(await placement.existing(orderId, fingerprint))) throw new HttpProblem('conflict', { detail: 'the cart is empty' });
        break;
      case 'placed':
        // An order this checkout did not start: a 422 when this key placed another request's order.
        if (!outcome.started) await placement.existing(orderId, fingerprint);
    }
    const started = outcome.state === 'placed' && outcome.started;
    return { started, ...(waitSeconds ? await placement.waitUntilSettled(orderId, waitSeconds) : { settled: false }) };
  }

  /** The checkout of this order id, started or (a resend while it runs) joined, and its outcome. */
  private async run(request: PlacingRequest, details: CheckoutDetails): Promise<CheckoutOutcome> {
    const { orderId, fingerprint, requestId } = request;
    const input: CheckoutInput = {
      order: this.deps.placement.sagaInput(request, details),
      memo: { requestId, requestFingerprint: fingerprint, startedBy: randomUUID() },
    };
    try {
      return await this.deps.temporal.workflow.execute<typeof checkout>(checkoutWorkflow.type, {
        taskQueue: checkoutWorkflow.taskQueue,
        workflowId: checkoutWorkflow.id(orderId),
        // A finished checkout may run again: it finds its claim committed, or its order placed.
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        args: [input],
      });
    } catch (error) {
      this.deps.logger.error({ err: error, orderId }, 'could not run the checkout');
      throw (
        this.temporalFailure(error) ??
        new HttpProblem('unavailable', { detail: 'the checkout could not be completed; retry with the same Idempotency-Key', cause: error })
      );
    }
  }
}
