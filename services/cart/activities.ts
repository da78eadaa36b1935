// The cart service's activities, on its task queue, over the same Redis its routes use.
import { implementActivities } from '../../activities/implement.js';
import type { CartCheckouts } from './checkouts.js';
import { cartCatalogue } from './temporal/catalogue.js';

export function createCartActivities(checkouts: CartCheckouts) {
  return implementActivities(cartCatalogue, {
    claimCheckout: ({ userId, checkoutId }) => checkouts.claim(userId, checkoutId),
    commitCheckout: async ({ userId, checkoutId }) => ({ taken: await checkouts.commit(userId, checkoutId) }),
    releaseCheckout: async ({ userId, checkoutId }) => ({ released: await checkouts.release(userId, checkoutId) }),
  });
}
