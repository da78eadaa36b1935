import { z } from '@hono/zod-openapi';
import { OrderId, Sku } from '../../shared/domain/ids.js';
import { MAX_LINES, MAX_QUANTITY, OrderLine } from '../../shared/domain/order.js';
import { UserIdParam } from '../../shared/http/path-params.js';

export { MAX_LINES, MAX_QUANTITY };

export const AddItemBody = OrderLine;
export const ItemParams = UserIdParam.extend({ sku: Sku });

/** A checkout takes the cart's content under the id of the order it places. */
export const CheckoutId = OrderId;
export const ClaimBody = z.object({ checkoutId: CheckoutId }).strict();
export const CheckoutParams = UserIdParam.extend({ checkoutId: CheckoutId });
export const Claim = z
  .discriminatedUnion('state', [
    /** The lines are this checkout's; `resumed` when it had taken them before (a retry). */
    z.object({ state: z.literal('claimed'), items: z.array(OrderLine), resumed: z.boolean() }),
    /** This checkout has placed its order and taken its lines out of the cart already. */
    z.object({ state: z.literal('committed') }),
    /** Another checkout of the cart is under way. */
    z.object({ state: z.literal('busy') }),
    /**
     * Another checkout's claim outlived its lease without being committed or released: settle
     * it first (commit when its order exists, else release), then claim again.
     */
    z.object({ state: z.literal('stale'), checkoutId: CheckoutId }),
    z.object({ state: z.literal('empty') }),
  ])
  .openapi('CheckoutClaim');
