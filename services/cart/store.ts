// Carts in Redis: one hash per user (sku -> quantity) with a TTL refreshed on
// every write. Adding is one Lua script, so concurrent adds can never push a
// line past the limit or the cart past its number of lines.
import type { Redis } from '../../shared/redis.js';
import { DomainError } from '../../shared/domain/errors.js';
import { MAX_LINES, MAX_QUANTITY } from './schemas.js';

export interface CartView {
  items: Array<{ sku: string; quantity: number }>;
}

// KEYS[1] cart hash, KEYS[2] its checkout claim; ARGV: sku, quantity, max per line, max lines, ttl seconds.
// A standing claim lives as long as the cart it holds lines of (services/cart/checkouts.ts).
// Answers the new quantity, -1 when the line would exceed the limit, -2 when the cart is full.
const ADD_SCRIPT = `
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local wanted = current + tonumber(ARGV[2])
if wanted > tonumber(ARGV[3]) then return -1 end
if current == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then return -2 end
redis.call('HSET', KEYS[1], ARGV[1], wanted)
redis.call('EXPIRE', KEYS[1], ARGV[5])
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], ARGV[5]) end
return wanted`;

/** The Redis hash of a user's cart (sku -> quantity). */
export const cartKey = (userId: string) => `cart:${userId}`;
/** The checkout claim on a user's cart lines (services/cart/checkouts.ts). */
export const claimKey = (userId: string) => `${cartKey(userId)}:checkout`;

export class CartStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
  ) {}

  private key(userId: string): string {
    return cartKey(userId);
  }

  async get(userId: string): Promise<CartView> {
    const hash = await this.redis.hgetall(this.key(userId));
    const items = Object.entries(hash)
      .map(([sku, q]) => ({ sku, quantity: Number(q) }))
      .sort((a, b) => a.sku.localeCompare(b.sku));
    return { items };
  }

  async add(userId: string, sku: string, quantity: number): Promise<CartView> {
    const result = Number(
      await this.redis.eval(ADD_SCRIPT, 2, this.key(userId), claimKey(userId), sku, quantity, MAX_QUANTITY, MAX_LINES, this.ttlSeconds),
    );
    if (result === -1) throw new DomainError('InvalidInput', `at most ${MAX_QUANTITY} units of one product per cart`);
    if (result === -2) throw new DomainError('InvalidInput', `at most ${MAX_LINES} different products per cart`);
    return this.get(userId);
  }

  async remove(userId: string, sku: string): Promise<CartView> {
    // EXPIRE on a key HDEL just emptied is a no-op, so this only refreshes a cart that still exists.
    await this.redis.multi().hdel(this.key(userId), sku).expire(this.key(userId), this.ttlSeconds).exec();
    return this.get(userId);
  }

  async clear(userId: string): Promise<CartView> {
    await this.redis.del(this.key(userId));
    return { items: [] };
  }
}
