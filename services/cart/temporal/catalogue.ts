// The cart service's activity catalogue: a checkout's hold on a cart's lines
// (../checkouts.ts), taken, committed and released by the checkout workflow
// (workflows/checkout.ts), which settles every claim it takes. Implemented in ../activities.ts.
import { z } from 'zod';
import { OrderId, UserId } from '../../../shared/domain/ids.js';
import { OrderLine } from '../../../shared/domain/order.js';
import { defineCatalogue, type ActivitiesOf } from '../../../activities/define-catalogue.js';
import { ping } from '../../../activities/probe.js';
import { cartTaskQueue } from './contract.js';

/** A checkout of one cart, by the id of the order it places. */
const checkoutOfCart = z.object({ userId: UserId, checkoutId: OrderId }).strict();

/** What claiming a cart's lines for a checkout found (../checkouts.ts). */
export const CheckoutClaim = z.discriminatedUnion('state', [
  /** The lines are this checkout's; `resumed` when it had taken them before (a retry). */
  z.object({ state: z.literal('claimed'), items: z.array(OrderLine), resumed: z.boolean() }),
  /** This checkout has placed its order and taken its lines out of the cart already. */
  z.object({ state: z.literal('committed') }),
  /** Another checkout of the cart holds its lines until its workflow commits or releases them. */
  z.object({ state: z.literal('busy') }),
  z.object({ state: z.literal('empty') }),
  /** The cart's Redis is not connected: nothing was claimed, so nothing needs giving back. */
  z.object({ state: z.literal('unavailable') }),
]);

export const cartCatalogue = defineCatalogue({
  taskQueue: cartTaskQueue,
  activities: {
    /** Takes the cart's lines for this checkout (or gives them back to its retry); busy while another checkout holds them. */
    claimCheckout: { input: checkoutOfCart, output: CheckoutClaim, failures: [] },
    /** The order exists: exactly the claimed lines leave the cart, once (a repeat takes nothing). */
    commitCheckout: { input: checkoutOfCart, output: z.object({ taken: z.boolean() }), failures: [] },
    /** No order was placed with these lines: the claim goes, the lines stay; a no-op for another checkout's claim. */
    releaseCheckout: { input: checkoutOfCart, output: z.object({ released: z.boolean() }), failures: [] },
    ping,
  },
});
export type CartActivities = ActivitiesOf<typeof cartCatalogue>;
