// The caller's cart (cart service): read, add, remove a line, empty it; and
// checkout, which places an order from it. A checkout claims the cart's lines
// under the order's id first (services/cart/checkouts.ts): concurrent checkouts
// of one cart cannot both take them (the others get 409), and once the order
// exists exactly the ordered lines leave the cart, once, whatever was added since
// (gateway/orders/checkout-claim.ts).
import { createRoute } from '@hono/zod-openapi';
import { parseResponse } from 'hono/client';
import { authorize, type AuthorizedEnv } from '../../shared/http/authorize.js';
import { HttpProblem } from '../../shared/problem.js';
import type { GatewayApp, GatewayDeps } from '../context.js';
import { idempotency } from '../idempotency/middleware.js';
import type { IdempotencyStore } from '../idempotency/store.js';
import { CheckoutClaim } from '../orders/checkout-claim.js';
import { orderIdFor, type OrderPlacement, type Placed } from '../orders/placement.js';
import { preferredWait } from '../orders/wait.js';
import { Cart } from '../../shared/http/envelopes.js';
import { SkuParam } from '../../shared/http/path-params.js';
import { CheckoutBody, IdempotencyHeader, OrderAccepted, OrderLine, OrderView, PreferHeader } from '../schemas.js';
import { callAs } from './context.js';
import { ORDER_LINKS, acceptedAnswer, placedAnswer, replayWaiting } from './placed.js';
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

export function installCartRoutes(app: GatewayApp, deps: GatewayDeps, placement: OrderPlacement, keys: IdempotencyStore): void {
  const { services, logger } = deps;
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

  const checkout = createRoute({
    method: 'post',
    operationId: 'checkout',
    path: '/api/v1/cart/checkout',
    tags: ['cart'],
    summary: 'Place an order from the cart',
    ...signedIn,
    middleware: [
      authorize(),
      idempotency({ store: keys, body: CheckoutBody, onReplay: replayWaiting(deps, placement), rerunInFlight: true }),
    ] as const,
    request: { headers: IdempotencyHeader.extend(PreferHeader.shape), ...body(CheckoutBody) },
    responses: {
      201: { ...json(OrderView, 'with `Prefer: wait=N`: the saga settled in time; the order as GET shows it'), links: ORDER_LINKS },
      202: { ...json(OrderAccepted, 'accepted; poll links.self, or ask with `Prefer: wait=N`'), links: ORDER_LINKS },
      ...problems(...BODY, ...ANY, 409, 422, ...DOWNSTREAM),
    },
  });

  app.openapi(checkout, async (c) => {
    const { caller, requestId, idempotency: request } = c.var;
    const details = c.req.valid('json');
    const wait = preferredWait(c.req.header('Prefer'));
    const orderId = orderIdFor(caller.userId, request.key);
    const { client, param } = cartOf(c.var);
    const at = (checkoutId: string) => ({ param: { ...param, checkoutId } });
    const claims = new CheckoutClaim(
      {
        claim: (checkoutId) => parseResponse(client.checkouts.$post({ param, json: { checkoutId } })),
        commit: (checkoutId) => parseResponse(client.checkouts[':checkoutId'].commit.$post(at(checkoutId))),
        release: (checkoutId) => parseResponse(client.checkouts[':checkoutId'].$delete(at(checkoutId))),
      },
      (id) => placement.exists(id),
      logger,
    );

    const claim = await claims.claim(orderId);
    let placed: Placed;
    switch (claim.state) {
      case 'busy':
        throw new HttpProblem('conflict', { detail: 'another checkout of this cart is under way; retry once it is done' });
      case 'committed':
      case 'empty':
        // A retry of a checkout that placed its order (the cart may hold new things since): that order.
        if (!(await placement.existing(orderId, request.fingerprint))) throw new HttpProblem('conflict', { detail: 'the cart is empty' });
        placed = { started: false, ...(wait ? await placement.waitUntilSettled(orderId, wait) : { settled: false }) };
        break;
      case 'claimed':
        try {
          placed = await placement.place({
            orderId,
            customerId: caller.userId,
            order: { items: claim.items, ...details },
            fingerprint: request.fingerprint,
            requestId,
            waitSeconds: wait,
          });
        } catch (error) {
          await claims.settleFailed(orderId, error);
          throw error;
        }
        // The claimed lines are this order's when this request started its saga (seen
        // acknowledged or not), or resumed the claim of the attempt that did. Otherwise the
        // order is older than this claim (its own claim was committed, and the marker saying
        // so has expired): these lines are the cart's.
        if (placed.started || claim.resumed) await claims.commit(orderId);
        else await claims.release(orderId);
        break;
    }
    request.remember({ status: 202, body: acceptedAnswer(orderId) });
    const answer = await placedAnswer(deps, caller, requestId, orderId, placed, wait);
    for (const [name, value] of Object.entries(answer.headers)) c.header(name, value);
    return answer.status === 201 ? c.json(answer.view, 201) : c.json(answer.accepted, 202);
  });
}
