// Cart's HTTP API: a user's cart, add (validated against the catalog), remove,
// clear. A checkout's claims on the lines are activities (./activities.ts), not
// routes. Carts live in Redis: when it does not answer, the
// routes answer 503 problems at once (each command has a short timeout).
import { createRoute } from '@hono/zod-openapi';
import { DomainError } from '../../shared/domain/errors.js';
import { ownerOnly } from '../../shared/http/authorize.js';
import { body, json } from '../../shared/http/openapi.js';
import { createServiceApp, type ServiceAppOptions } from '../../shared/http/service-app.js';
import { HttpProblem } from '../../shared/problem.js';
import { isRedisUnavailable } from '../../shared/redis.js';
import type { CatalogLookup } from './catalog-lookup.js';
import { Cart } from '../../shared/http/envelopes.js';
import { UserIdParam } from '../../shared/http/path-params.js';
import { AddItemBody, ItemParams } from './schemas.js';
import type { CartStore } from './store.js';

const owner = ownerOnly('userId');
const notYours = { 404: { description: 'not your cart' } };
const cart = { 200: json(Cart, 'the cart'), ...notYours, 503: { description: 'the cart store is unavailable' } };

const getCart = createRoute({
  method: 'get',
  path: '/carts/{userId}',
  tags: ['cart'],
  middleware: [owner] as const,
  request: { params: UserIdParam },
  responses: cart,
});
const addItem = createRoute({
  method: 'post',
  path: '/carts/{userId}/items',
  tags: ['cart'],
  middleware: [owner] as const,
  request: { params: UserIdParam, ...body(AddItemBody) },
  responses: {
    ...cart,
    404: { description: 'not your cart, or an unknown product' },
    409: { description: 'over the quantity or line limit' },
  },
});
const removeItem = createRoute({
  method: 'delete',
  path: '/carts/{userId}/items/{sku}',
  tags: ['cart'],
  middleware: [owner] as const,
  request: { params: ItemParams },
  responses: cart,
});
const clearCart = createRoute({
  method: 'delete',
  path: '/carts/{userId}',
  tags: ['cart'],
  middleware: [owner] as const,
  request: { params: UserIdParam },
  responses: cart,
});
const redisUnavailable = (error: unknown) =>
  isRedisUnavailable(error)
    ? new HttpProblem('unavailable', { detail: 'the cart store is unavailable; retry shortly', cause: error })
    : undefined;

export function createCartApp(deps: { store: CartStore; catalog: CatalogLookup; appOptions: ServiceAppOptions }) {
  const { store, catalog } = deps;
  return createServiceApp({ ...deps.appOptions, errorMappers: [redisUnavailable] })
    .openapi(getCart, async (c) => c.json(await store.get(c.req.valid('param').userId), 200))
    .openapi(addItem, async (c) => {
      const { userId } = c.req.valid('param');
      const { sku, quantity } = c.req.valid('json');
      if (!(await catalog.productExists(sku, c.var.caller))) throw new HttpProblem('not-found', { detail: `unknown product ${sku}` });
      try {
        return c.json(await store.add(userId, sku, quantity), 200);
      } catch (error) {
        // The limits are on what the cart holds already: a conflict with its state, not bad input.
        if (error instanceof DomainError && error.type === 'InvalidInput')
          throw new HttpProblem('conflict', { detail: error.message, cause: error });
        throw error;
      }
    })
    .openapi(removeItem, async (c) => {
      const { userId, sku } = c.req.valid('param');
      return c.json(await store.remove(userId, sku), 200);
    })
    .openapi(clearCart, async (c) => c.json(await store.clear(c.req.valid('param').userId), 200));
}

export type CartApp = ReturnType<typeof createCartApp>;
