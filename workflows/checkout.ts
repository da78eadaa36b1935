// A checkout: the customer's cart lines become an order, and the cart gives them up
// exactly when the order exists. Durable, so the claim on the cart is settled however
// the HTTP request that asked for the checkout ends (answered, timed out, its gateway
// killed): the commit and the release are retried until the cart's Redis takes them.
//   claim the lines -> start the order saga with them (a child that outlives this
//   workflow) -> commit; a saga of this id that exists already is an older order, whose
//   lines are not these: release (unless this checkout had claimed them for it before).
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ActivityFailure, ParentClosePolicy, proxyLocalActivities, startChild } from '@temporalio/workflow';
import type { CartActivities } from '../services/cart/temporal/catalogue.js';
import type { CheckoutInput, CheckoutOutcome } from '../services/cart/temporal/contract.js';
import { orderSagaStart, orderSagaWorkflow } from '../services/orders/temporal/contract.js';
import type { orderSaga } from './order-saga.js';

/** How long the claim may take before the checkout gives up (the gateway waits less). */
const CLAIM_WITHIN = '15s';

// The cart's activities run as local activities: the cart's worker hosts this workflow
// and serves them, so a checkout costs one workflow task and no activity task when the
// cart is busy or empty, and two when it places the order (the second for the child's start).
const claims = proxyLocalActivities<Pick<CartActivities, 'claimCheckout'>>({
  startToCloseTimeout: '5s',
  scheduleToCloseTimeout: CLAIM_WITHIN,
  retry: { initialInterval: '200ms', maximumInterval: '2s' },
});
/** Settling a claim must happen: retried (idempotent by the order id) until the cart's Redis answers. */
const settling = proxyLocalActivities<Pick<CartActivities, 'commitCheckout' | 'releaseCheckout'>>({
  startToCloseTimeout: '5s',
  retry: { initialInterval: '250ms', maximumInterval: '10s' },
});

type CheckoutOfCart = Parameters<CartActivities['claimCheckout']>[0];

/** The cart's lines for this checkout; without an answer in time, a claim taken meanwhile is given back. */
async function claimLines(ofCart: CheckoutOfCart) {
  try {
    return await claims.claimCheckout(ofCart);
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    // An attempt whose answer was lost may have taken the claim.
    await settling.releaseCheckout(ofCart);
    return { state: 'unavailable' } as const;
  }
}

export async function checkout({ order, memo }: CheckoutInput): Promise<CheckoutOutcome> {
  const ofCart = { userId: order.customerId, checkoutId: order.orderId };
  const claim = await claimLines(ofCart);
  if (claim.state !== 'claimed') return claim;

  let started = true;
  try {
    await startChild<typeof orderSaga>(orderSagaWorkflow.type, {
      ...orderSagaStart({ ...order, items: claim.items }, memo),
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) {
      // No order was placed with these lines: they stay in the cart.
      await settling.releaseCheckout(ofCart);
      throw error;
    }
    started = false;
  }
  // A resumed claim is this order's: an earlier run of this checkout claimed the lines and started the saga.
  if (started || claim.resumed) await settling.commitCheckout(ofCart);
  else await settling.releaseCheckout(ofCart);
  return { state: 'placed', started };
}
