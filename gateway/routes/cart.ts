// The caller's cart (cart service): read, add, remove a line, empty it; and checkout,
// which places an order from it.
import { createRoute } from '@hono/zod-openapi';
import { problem } from '../../shared/problem.js';
import type { GatewayApp, GatewayDeps } from '../context.js';
import type { OrderPlacement } from '../order-placement.js';
import { preferredWait, waitUntilSettled } from '../saga-wait.js';
import { Cart, CheckoutBody, IdempotencyHeader, OrderAccepted, OrderLine, OrderView, PreferHeader, SkuParam } from '../schemas.js';
import { body, json, pick, userOf } from './support.js';

const signedIn = { security: [{ bearer: [] }] };

const getCart = createRoute({
  method: 'get', path: '/api/v1/cart', tags: ['cart'], ...signedIn,
  responses: { 200: json(Cart, 'the cart'), ...pick(401) },
});
const addItem = createRoute({
  method: 'post', path: '/api/v1/cart/items', tags: ['cart'], summary: 'Add units of a product', ...signedIn,
  request: body(OrderLine),
  responses: { 200: json(Cart, 'the cart'), ...pick(400, 401, 404, 422) },
});
const removeItem = createRoute({
  method: 'delete', path: '/api/v1/cart/items/{sku}', tags: ['cart'], ...signedIn,
  request: { params: SkuParam },
  responses: { 200: json(Cart, 'the cart'), ...pick(400, 401) },
});
const clearCart = createRoute({
  method: 'delete', path: '/api/v1/cart', tags: ['cart'], summary: 'Empty the cart', ...signedIn,
  responses: { 200: json(Cart, 'the (empty) cart'), ...pick(401) },
});
const checkout = createRoute({
  method: 'post', path: '/api/v1/cart/checkout', tags: ['cart'], summary: 'Place an order from the cart', ...signedIn,
  request: { headers: IdempotencyHeader.extend(PreferHeader.shape), ...body(CheckoutBody) },
  responses: {
    201: json(OrderView, 'with `Prefer: wait=N`: the saga settled in time; the order as GET shows it'),
    202: json(OrderAccepted, 'accepted; poll links.self, or ask with `Prefer: wait=N`'),
    ...pick(400, 401, 409, 422, 503),
  },
});

type CartBody = { items: Array<{ sku: string; quantity: number }> };

export function installCartRoutes(app: GatewayApp, { services, temporal }: GatewayDeps, placement: OrderPlacement): void {
  const cartPath = (userId: string) => `/carts/${encodeURIComponent(userId)}`;

  app.openapi(getCart, async (c) => {
    const user = userOf(c);
    const { body: cart } = await services.cart.call<CartBody>('GET', cartPath(user.userId), { caller: user, requestId: c.get('requestId') });
    return c.json(cart, 200);
  });
  app.openapi(addItem, async (c) => {
    const user = userOf(c);
    const { body: cart } = await services.cart.call<CartBody>('POST', `${cartPath(user.userId)}/items`, { caller: user, body: c.req.valid('json'), requestId: c.get('requestId') });
    return c.json(cart, 200);
  });
  app.openapi(removeItem, async (c) => {
    const user = userOf(c);
    const { body: cart } = await services.cart.call<CartBody>('DELETE', `${cartPath(user.userId)}/items/${c.req.valid('param').sku}`, { caller: user, requestId: c.get('requestId') });
    return c.json(cart, 200);
  });
  app.openapi(clearCart, async (c) => {
    const user = userOf(c);
    const { body: cart } = await services.cart.call<CartBody>('DELETE', cartPath(user.userId), { caller: user, requestId: c.get('requestId') });
    return c.json(cart, 200);
  });

  app.openapi(checkout, async (c) => {
    const user = userOf(c);
    const details = c.req.valid('json');
    const key = c.req.valid('header')['idempotency-key'];
    const requestId = c.get('requestId');
    const { body: cart } = await services.cart.call<CartBody>('GET', cartPath(user.userId), { caller: user, requestId });
    // A replay after the cart was emptied must still find the first answer, so the
    // idempotency fingerprint is the checkout body; the cart is read once, at first.
    const wait = preferredWait(c.req.header('Prefer'));
    return placement.once(c, user, key, details, async (orderId, print) => {
      if (cart.items.length === 0) {
        // A retry whose first attempt placed the order and emptied the cart, when the stored
        // answer is gone (Redis down or the key expired): still that order, not an error.
        if (await placement.existing(orderId, print)) return { settled: wait ? await waitUntilSettled(temporal, orderId, wait) : false };
        throw problem.unprocessable('the cart is empty');
      }
      const placed = await placement.startSaga(c, user, orderId, { items: cart.items, ...details }, print, wait);
      // Only the checkout that placed the order empties the cart: a duplicate must not
      // throw away what was added to the cart since.
      if (placed.started) await services.cart.call('DELETE', cartPath(user.userId), { caller: user, requestId }).catch(() => undefined);
      return placed;
    }, wait) as never;
  });
}
