// What the gateway talks to, built from its configuration: one typed client per
// service (all sharing the service-token signer and the downstream budget) and
// the access-token codec. main.ts and the deploy checks build the app from these.
import { Tokens, serviceTokens } from '../shared/auth/jwt.js';
import { ServiceClient } from '../shared/http/service-client.js';
import type { GatewayConfig } from './config.js';
import type { Services } from './context.js';

export function serviceClients(config: GatewayConfig): Services {
  const tokens = serviceTokens(config.SERVICE_TOKEN_SECRET);
  const options = (name: string, baseUrl: string) => ({ name, baseUrl, tokens, timeoutMs: config.DOWNSTREAM_TIMEOUT_MS });
  return {
    users: new ServiceClient(options('users', config.USERS_URL)),
    catalog: new ServiceClient(options('catalog', config.CATALOG_URL)),
    inventory: new ServiceClient(options('inventory', config.INVENTORY_URL)),
    cart: new ServiceClient(options('cart', config.CART_URL)),
    orders: new ServiceClient(options('orders', config.ORDERS_URL)),
    payments: new ServiceClient(options('payments', config.PAYMENTS_URL)),
    notifications: new ServiceClient(options('notifications', config.NOTIFICATIONS_URL)),
    shipping: new ServiceClient(options('shipping', config.SHIPPING_URL)),
  };
}

export const accessTokens = (config: GatewayConfig) =>
  new Tokens({ secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.JWT_TTL_SECONDS });
