// The cart service's Temporal surface: its task queue, and the checkout workflow it
// hosts, which places an order from a cart: it claims the lines (the cart's activities,
// catalogue.ts), starts the order saga with them (services/orders/temporal/contract.ts)
// and commits or releases the claim. Its own queue, so a checkout is not queued behind
// the sagas' workflow tasks on the orders queue. Workflow-safe.
import { defineWorkflow, type TaskQueue } from '../../../shared/domain/vocabulary.js';
import type { OrderSagaInput, OrderSagaMemo } from '../../orders/temporal/contract.js';

export const cartTaskQueue = 'cart' satisfies TaskQueue;

/**
 * One checkout per order id (`checkout-<orderId>`): it claims the customer's cart lines
 * (the cart service's activities), starts the order saga with them, and commits or
 * releases the claim, so the claim is settled however the request that asked ends.
 */
export const checkoutWorkflow = defineWorkflow('checkout', cartTaskQueue, 'checkout');

export interface CheckoutInput {
  /** The order saga's input but its lines, which the cart gives. */
  order: Omit<OrderSagaInput, 'items'>;
  memo: OrderSagaMemo;
}

export type CheckoutOutcome =
  /** The saga of this order id exists; `started` when this checkout started it with the cart's lines. */
  | { state: 'placed'; started: boolean }
  /** This checkout had placed its order before (a rerun): the lines left the cart then. */
  | { state: 'committed' }
  /** Another checkout of the cart holds its lines. */
  | { state: 'busy' }
  | { state: 'empty' }
  /** The cart's Redis was not connected, or did not answer the claim in time (the claim, if taken, was given back). */
  | { state: 'unavailable' };
