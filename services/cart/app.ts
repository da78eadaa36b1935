// Cart's HTTP API: a user's cart, add (validated against the catalog), remove, clear.
import { createRoute } from '@hono/zod-openapi';
import { assertMayActFor } from '../../shared/http/caller.js';
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '../../shared/http/service-app.js';
import { problem } from '../../shared/problem.js';
import type { CatalogLookup } from './catalog-lookup.js';
import { AddItemBody, Cart, ItemParams, UserIdParam } from './schemas.js';
import type { CartStore } from './store.js';

const cart = { 200: { content: { 'application/json': { schema: Cart } }, description: 'the cart' }, 404: { description: 'not your cart, or unknown product' } };

const getCart = createRoute({ method: 'get', path: '/carts/{userId}', tags: ['cart'], request: { params: UserIdParam }, responses: cart });
const addItem = createRoute({
  method: 'post', path: '/carts/{userId}/items', tags: ['cart'],
  request: { params: UserIdParam, body: { content: { 'application/json': { schema: AddItemBody } }, required: true } },
  responses: { ...cart, 422: { description: 'over the quantity or line limit' }, 503: { description: 'catalog unavailable' } },
});
const removeItem = createRoute({ method: 'delete', path: '/carts/{userId}/items/{sku}', tags: ['cart'], request: { params: ItemParams }, responses: cart });
const clearCart = createRoute({ method: 'delete', path: '/carts/{userId}', tags: ['cart'], request: { params: UserIdParam }, responses: cart });

export function createCartApp(deps: { store: CartStore; catalog: CatalogLookup; appOptions: ServiceAppOptions }): ServiceApp {
  const { store, catalog } = deps;
  const app = createServiceApp(deps.appOptions);
  app.openapi(getCart, async (c) => {
    const { userId } = c.req.valid('param');
    assertMayActFor(c, userId);
    return c.json(await store.get(userId), 200);
  });
  app.openapi(addItem, async (c) => {
    const { userId } = c.req.valid('param');
    assertMayActFor(c, userId);
    const { sku, quantity } = c.req.valid('json');
    if (!(await catalog.productExists(sku, c.get('caller')))) throw problem.notFound(`unknown product ${sku}`);
    return c.json(await store.add(userId, sku, quantity), 200);
  });
  app.openapi(removeItem, async (c) => {
    const { userId, sku } = c.req.valid('param');
    assertMayActFor(c, userId);
    return c.json(await store.remove(userId, sku), 200);
  });
  app.openapi(clearCart, async (c) => {
    const { userId } = c.req.valid('param');
    assertMayActFor(c, userId);
    return c.json(await store.clear(userId), 200);
  });
  return app;
}
