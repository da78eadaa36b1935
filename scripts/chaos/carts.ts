// The carts at rest after a chaos run: the checkout's promises through the faults.
// - No claim is left. A checkout claims a cart's lines and settles the claim (commit or
//   release) before its workflow ends, retrying through kills and a Redis away
//   (workflows/checkout.ts); at rest no checkout runs, so no cart may still be claimed
//   (a claim left over refuses every later checkout of that cart).
// - The lines of a placed order have left the cart. Only the checkout scenario fills a
//   cart, with exactly the lines it buys, after emptying it: a customer whose last checkout
//   placed an order has an empty cart; a line left is one the customer could buy twice.
import { claimKey } from '../../services/cart/store.js';
import type { Redis } from '../../shared/redis.js';
import type { CheckResult } from '../audit/checks.js';
import type { Answer } from './client.js';
import type { OrderRun, Shop } from './workload.js';

/** Every key of the stack's Redis that is a checkout claim. */
async function claimKeys(redis: Redis): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', claimKey('*'), 'COUNT', 1000);
    keys.push(...found);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/** The runs that are their customer's last checkout and placed an order. */
function lastPlacedCheckouts(runs: OrderRun[]): OrderRun[] {
  const last = new Map<number, OrderRun>();
  for (const run of runs) if (run.scenario === 'checkout' && run.customer !== undefined) last.set(run.customer, run);
  return [...last.values()].filter((run) => run.orderId);
}

const linesOf = (answer: Answer) => (answer.body as { items?: Line[] } | undefined)?.items;

interface Line {
  sku: string;
  quantity: number;
}

export interface CartsAtRest {
  /** Every checkout claim left in Redis, with what it holds. */
  claims: Array<{ key: string; value: string | null }>;
  /** The cart of each customer whose last checkout placed an order, as GET /cart answered it. */
  carts: Array<{ orderId: string; status: number; lines?: Line[] }>;
}

/** Reads what judgeCarts judges: the claims straight from the stack's Redis, the carts through the API. */
export async function cartsAtRest(shop: Shop, runs: OrderRun[], redis: Redis): Promise<CartsAtRest> {
  const claims = await Promise.all((await claimKeys(redis)).map(async (key) => ({ key, value: await redis.get(key) })));
  const carts: CartsAtRest['carts'] = [];
  for (const run of lastPlacedCheckouts(runs)) {
    const answer = await shop.client.call('GET', '/cart', { token: shop.customers[run.customer!] });
    carts.push({ orderId: run.orderId!, status: answer.status, lines: linesOf(answer) });
  }
  return { claims, carts };
}

export function judgeCarts({ claims, carts }: CartsAtRest): CheckResult {
  const breaches = claims.map(({ key, value }) => `${key} is still claimed at rest: ${value?.slice(0, 300) ?? '(gone since)'}`);
  let empty = 0;
  for (const { orderId, status, lines } of carts) {
    if (status !== 200 || !lines) breaches.push(`the cart of checkout order ${orderId}: GET /cart answered ${status}`);
    else if (lines.length) breaches.push(`the cart of checkout order ${orderId} still holds ${JSON.stringify(lines)}`);
    else empty += 1;
  }
  return {
    name: 'carts',
    checked: `${carts.length} carts, every claim`,
    figures: [
      `carts whose last checkout placed an order: ${carts.length}, empty ${empty}`,
      `checkout claims left at rest: ${claims.length}`,
    ],
    breaches,
  };
}
