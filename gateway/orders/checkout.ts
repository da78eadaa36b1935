// Placing an order from the caller's cart: claim the cart's lines under the
// order's id (services/cart/checkouts.ts; concurrent checkouts of one cart cannot
// both take them, the others get 409), start the saga with them, and settle the
// claim by one rule: once the order exists exactly the claimed lines leave the
// cart, once, whatever was added since (./checkout-claim.ts). Free of HTTP routes,
// like ./placement.ts.
import type { OrderRequest } from '../../shared/domain/order.js';
import { HttpProblem } from '../../shared/problem.js';
import type { CheckoutClaim } from './checkout-claim.js';
import type { OrderPlacement, Placed, PlacingRequest } from './placement.js';

/** What a checkout's body gives: everything of the order but its lines. */
export type CheckoutDetails = Omit<OrderRequest, 'items'>;

export async function checkoutCart(
  placement: OrderPlacement,
  claims: CheckoutClaim,
  request: PlacingRequest,
  details: CheckoutDetails,
): Promise<Placed> {
  const { orderId, fingerprint, waitSeconds } = request;
  const claim = await claims.claim(orderId);
  switch (claim.state) {
    case 'busy':
      throw new HttpProblem('conflict', { detail: 'another checkout of this cart is under way; retry once it is done' });
    case 'committed':
    case 'empty':
      // A retry of a checkout that placed its order (the cart may hold new things since): that order.
      if (!(await placement.existing(orderId, fingerprint))) throw new HttpProblem('conflict', { detail: 'the cart is empty' });
      return { started: false, ...(waitSeconds ? await placement.waitUntilSettled(orderId, waitSeconds) : { settled: false }) };
    case 'claimed': {
      let placed: Placed;
      try {
        placed = await placement.place({ ...request, order: { items: claim.items, ...details } });
      } catch (error) {
        await claims.settleFailed(orderId, error);
        throw error;
      }
      // The claimed lines are this order's when this request started its saga (seen
      // acknowledged or not), or resumed the claim of the attempt that did. Otherwise the
      // order is older than this claim (its own claim was committed, and the marker saying
      // so has expired): these lines are the cart's.
      if (placed.started || claim.resumed) await claims.commit(orderId);
      else await claims.release(orderId);
      return placed;
    }
  }
}
