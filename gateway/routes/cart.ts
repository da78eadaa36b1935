// The caller's cart (cart service): read, add, remove a line, empty it; and
// checkout, which places an order from it the way POST /orders does
// (./placing.ts), with the cart's lines (the checkout workflow, gateway/orders/checkout.ts).
import { createRoute } from '@hono/zod-openapi';
import { parseResponse } from 'hono/client';
import { authorize, type AuthorizedEnv } from '../../shared/http/authorize.js';
import type { GatewayApp, GatewayDeps } from '../context.js';
import type { IdempotencyStore } from '../idempotency/store.js';
import type { CartCheckout } from '../orders/checkout.js';
import type { OrderPlacement } from '../orders/placement.js';
import { Cart } from '../../shared/http/envelopes.js';
import { SkuParam } from '../../shared/http/path-params.js';
import { CheckoutBody, OrderLine } from '../schemas.js';
import { callAs } from './context.js';
import { answerPlacing, placingRoute } from './placing.js';
import { ANY, BODY, DOWNSTREAM, body, json, problems, signedIn } from './responses.js';

const getCart = createRoute({
  operationId: 'getCart',
  method: 'get',
  path: '/api/v1/cart',
  tags: ['cart'],
  ...signedIn,
  middleware: authorize(),
  responses: { 200: json(Cart, 'the cart'), ...problems(...ANY, ...DOWNSTREAM) },
});
const addItem = createRoute({
  operationId: 'addCartItem',
  method: 'post',
  path: '/api/v1/cart/items',
  tags: ['cart'],
  summary: 'Add units of a product',
  ...signedIn,
  middleware: authorize(),
  request: body(OrderLine),
  responses: { 200: json(Cart, 'the cart'), ...problems(...BODY, ...ANY, 404, 409, ...DOWNSTREAM) },
});
const removeItem = createRoute({
  operationId: 'removeCartItem',
  method: 'delete',
  path: '/api/v1/cart/items/{sku}',
  tags: ['cart'],
  ...signedIn,
  middleware: authorize(),
  request: { params: SkuParam },
  responses: { 200: json(Cart, 'the cart'), ...problems(400, ...ANY, ...DOWNSTREAM) },
});
const clearCart = createRoute({
  operationId: 'clearCart',
  method: 'delete',
  path: '/api/v1/cart',
  tags: ['cart'],
  summary: 'Empty the cart',
  ...signedIn,
  middleware: authorize(),
  responses: { 200: json(Cart, 'the (empty) cart'), ...problems(...ANY, ...DOWNSTREAM) },
});

export function installCartRoutes(
  app: GatewayApp,
  deps: GatewayDeps,
  placement: OrderPlacement,
  checkouts: CartCheckout,
  keys: IdempotencyStore,
): void {
  const { services } = deps;
  const cartOf = (vars: AuthorizedEnv['Variables'] & { requestId: string }) => ({
    client: services.cart.as(callAs(vars)).carts[':userId'],
    param: { userId: vars.caller.userId },
  });

  app.openapi(getCart, async (c) => {
    const { client, param } = cartOf(c.var);
    return c.json(await parseResponse(client.$get({ param })), 200);
  });
  app.openapi(addItem, async (c) => {
    const { client, param } = cartOf(c.var);
    return c.json(await parseResponse(client.items.$post({ param, json: c.req.valid('json') })), 200);
  });
  app.openapi(removeItem, async (c) => {
    const { client, param } = cartOf(c.var);
    return c.json(await parseResponse(client.items[':sku'].$delete({ param: { ...param, ...c.req.valid('param') } })), 200);
  });
  app.openapi(clearCart, async (c) => {
    const { client, param } = cartOf(c.var);
    return c.json(await parseResponse(client.$delete({ param })), 200);
  });

  const checkout = placingRoute(
    { operationId: 'checkout', path: '/api/v1/cart/checkout', tags: ['cart'], summary: 'Place an order from the cart', body: CheckoutBody },
    deps,
    placement,
    keys,
  );
  app.openapi(checkout, (c) => answerPlacing(c, deps, (request) => checkouts.checkout(request, c.req.valid('json'))));
}
