// Checking out a cart takes its content once. A checkout claims the cart's lines
// under the id of the order it places (one Lua script: read the lines, record the
// claim); while the claim stands every other checkout of the cart is refused, so
// concurrent checkouts cannot place the same cart twice. Once the order exists the
// checkout commits: exactly the claimed quantities leave the cart (lines added
// meanwhile stay) and a marker remembers that this checkout is done, so a retry
// never takes anything out twice. A checkout whose order was never placed releases
// the claim.
//
// Every claim is taken by a checkout workflow (workflows/checkout.ts), which commits
// or releases it before it ends, its activities retried for as long as the cart
// service or Redis is away. So a claim never lapses by itself (lines whose order
// exists must never go back into the cart): it lives as long as the cart.
import type { z } from 'zod';
import type { Redis } from '../../shared/redis.js';
import { CheckoutClaim } from './temporal/catalogue.js';
import { cartKey, claimKey } from './store.js';

/** How long a finished checkout is remembered, so its retries find it (as long as the gateway's Idempotency-Keys). */
export const DONE_TTL_SECONDS = 86_400;

export type ClaimOutcome = z.infer<typeof CheckoutClaim>;

// KEYS: cart hash, claim, done marker. ARGV: checkout id, claim ttl.
const CLAIM = `
if redis.call('EXISTS', KEYS[3]) == 1 then return cjson.encode({ state = 'committed' }) end
local current = redis.call('GET', KEYS[2])
if current then
  local claim = cjson.decode(current)
  if claim.id ~= ARGV[1] then return cjson.encode({ state = 'busy' }) end
  return cjson.encode({ state = 'claimed', items = claim.items, resumed = true })
end
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then return cjson.encode({ state = 'empty' }) end
local items = {}
for i = 1, #fields, 2 do items[#items + 1] = { sku = fields[i], quantity = tonumber(fields[i + 1]) } end
redis.call('SET', KEYS[2], cjson.encode({ id = ARGV[1], items = items }), 'EX', ARGV[2])
return cjson.encode({ state = 'claimed', items = items, resumed = false })`;

// KEYS: cart hash, claim, done marker. ARGV: checkout id, done ttl, cart ttl.
// Answers 1 when it took the lines out now, 0 when this checkout had already, -1 without its claim.
const COMMIT = `
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local current = redis.call('GET', KEYS[2])
if not current then return -1 end
local claim = cjson.decode(current)
if claim.id ~= ARGV[1] then return -1 end
for _, line in ipairs(claim.items) do
  if redis.call('HINCRBY', KEYS[1], line.sku, -line.quantity) <= 0 then redis.call('HDEL', KEYS[1], line.sku) end
end
redis.call('DEL', KEYS[2])
redis.call('SET', KEYS[3], '1', 'EX', ARGV[2])
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
return 1`;

// KEYS: claim. ARGV: checkout id. Only the claim's own checkout releases it.
const RELEASE = `
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).id == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
return 0`;

export class CartCheckouts {
  constructor(
    private readonly redis: Redis,
    private readonly cartTtlSeconds: number,
  ) {}

  private keys(userId: string, checkoutId: string): [string, string, string] {
    return [cartKey(userId), claimKey(userId), `${cartKey(userId)}:checkout:${checkoutId}:done`];
  }

  async claim(userId: string, checkoutId: string): Promise<ClaimOutcome> {
    // Not connected: say so at once rather than queue a claim whose fate the caller could not
    // know (a checkout would have to wait for Redis to give it back before answering).
    if (this.redis.status !== 'ready') return { state: 'unavailable' };
    const answer = await this.redis.eval(CLAIM, 3, ...this.keys(userId, checkoutId), checkoutId, this.cartTtlSeconds);
    return CheckoutClaim.parse(JSON.parse(String(answer)));
  }

  /** Takes the claimed lines out of the cart, once; false when there was nothing (left) to take. */
  async commit(userId: string, checkoutId: string): Promise<boolean> {
    return (
      Number(await this.redis.eval(COMMIT, 3, ...this.keys(userId, checkoutId), checkoutId, DONE_TTL_SECONDS, this.cartTtlSeconds)) === 1
    );
  }

  async release(userId: string, checkoutId: string): Promise<boolean> {
    return Number(await this.redis.eval(RELEASE, 1, claimKey(userId), checkoutId)) === 1;
  }
}
