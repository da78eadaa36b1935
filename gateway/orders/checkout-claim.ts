// How a checkout settles its claim on the cart's lines (services/cart/checkouts.ts),
// by one rule: the claimed lines leave the cart whenever the order they were claimed
// for exists, and go back only when it does not. Whether it exists is asked of
// Temporal by the order's id, never inferred from how the placing call ended: a
// call that timed out may still have started the saga.
// - The commit is idempotent (a done marker), so it is retried with backoff; if the
//   cart service stays away longer, the claim stands and the next checkout of the
//   cart settles it by the same rule once its lease is over (`stale`).
// - A claim whose order's existence cannot be learned (Temporal unreachable) is left
//   standing for the same reason: releasing it could give back lines already bought.
import type { Logger } from '../../shared/logger.js';
import { HttpProblem } from '../../shared/problem.js';

/** What the cart service answers a claim with (services/cart/schemas.ts `Claim`, as its client reads it). */
export type ClaimOutcome =
  | { state: 'claimed'; items: Array<{ sku: string; quantity: number }>; resumed: boolean }
  | { state: 'committed' }
  | { state: 'busy' }
  | { state: 'empty' }
  | { state: 'stale'; checkoutId: string };

/** The cart service's checkout routes for one cart, as the checkout calls them. */
export interface CartClaims {
  claim(checkoutId: string): Promise<ClaimOutcome>;
  commit(checkoutId: string): Promise<unknown>;
  release(checkoutId: string): Promise<unknown>;
}

export interface CommitRetry {
  /** The first pause between attempts; it doubles up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** No new attempt starts after this long. */
  giveUpAfterMs: number;
}

/** Long enough to ride out a restart of the cart service; past it the claim's lease takes over. */
export const COMMIT_RETRY: CommitRetry = { initialDelayMs: 250, maxDelayMs: 4_000, giveUpAfterMs: 20_000 };

/** A stale claim settled, then the cart claimed again: more rounds mean checkouts racing each other on stale claims. */
const CLAIM_ROUNDS = 3;

export type Outcome = Exclude<ClaimOutcome, { state: 'stale' }>;

/** A failure another attempt may not repeat: the service was down, slow or broke off (its 4xx stays what it is). */
const worthRetrying = (error: unknown) => !(error instanceof HttpProblem) || error.status >= 500;

export class CheckoutClaim {
  constructor(
    private readonly cart: CartClaims,
    /** Whether the saga of this order id exists; throws when Temporal cannot tell. */
    private readonly orderExists: (orderId: string) => Promise<boolean>,
    private readonly logger: Logger,
    private readonly retry: CommitRetry = COMMIT_RETRY,
  ) {}

  /** Claims the cart's lines for `orderId`, first settling a claim another checkout left behind. */
  async claim(orderId: string): Promise<Outcome> {
    for (let round = 0; round < CLAIM_ROUNDS; round++) {
      const outcome = await this.cart.claim(orderId);
      if (outcome.state !== 'stale') return outcome;
      this.logger.warn({ orderId, staleCheckout: outcome.checkoutId }, "settling a checkout's claim that outlived its lease");
      // Here a failed lookup or commit is this request's failure: the stale claim keeps standing.
      if (await this.orderExists(outcome.checkoutId)) await this.cart.commit(outcome.checkoutId);
      else await this.cart.release(outcome.checkoutId);
    }
    return { state: 'busy' };
  }

  /** The order exists: its lines leave the cart, retried with backoff; false when the claim is left to its lease. */
  async commit(orderId: string): Promise<boolean> {
    const start = Date.now();
    for (let delay = this.retry.initialDelayMs; ; delay = Math.min(delay * 2, this.retry.maxDelayMs)) {
      try {
        await this.cart.commit(orderId);
        return true;
      } catch (error) {
        const giveUp = !worthRetrying(error) || Date.now() - start + delay > this.retry.giveUpAfterMs;
        if (giveUp) {
          this.logger.error({ err: error, orderId }, "could not commit the cart's checkout; the next checkout of the cart settles it");
          return false;
        }
        this.logger.warn({ err: error, orderId, retryInMs: delay }, "could not commit the cart's checkout; retrying");
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** No order for this claim (this request is answered with a failure): give the lines back, unless one exists after all. */
  async settleFailed(orderId: string, failure: unknown): Promise<void> {
    // 422: the key placed another request's order earlier; these lines were never that order's.
    const someoneElses = failure instanceof HttpProblem && failure.type === 'unprocessable';
    let exists: boolean;
    try {
      exists = !someoneElses && (await this.orderExists(orderId));
    } catch (error) {
      this.logger.warn({ err: error, orderId }, "cannot tell whether the order exists; the cart's claim stands until its lease is over");
      return;
    }
    if (exists) {
      await this.commit(orderId);
      return;
    }
    await this.cart
      .release(orderId)
      .catch((error: unknown) => this.logger.warn({ err: error, orderId }, "could not release the cart's checkout; its lease will"));
  }

  /** An order this request did not start and whose claim it did not resume: older, with its own lines; these go back. */
  async release(orderId: string): Promise<void> {
    await this.cart
      .release(orderId)
      .catch((error: unknown) => this.logger.warn({ err: error, orderId }, "could not release the cart's checkout; its lease will"));
  }
}
