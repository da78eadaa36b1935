// The gateway process: Redis, the Temporal client, one typed client per service, then the public API.
import { Tokens, serviceTokens } from '../shared/auth/jwt.js';
import { ServiceClient } from '../shared/http/service-client.js';
import { openRedis, openTemporalClient, runProcess } from '../shared/process.js';
import { createGatewayApp } from './app.js';
import type { Services } from './context.js';
import { gatewayEnv } from './config.js';

await runProcess({
  name: 'gateway',
  env: gatewayEnv,
  listenOn: (config) => ({ PORT: config.GATEWAY_PORT, HOST: config.HOST }),
  start: async (ctx) => {
    const { config, logger } = ctx;
    const redis = openRedis(ctx);
    const temporal = await openTemporalClient(ctx);
    const serviceToken = serviceTokens(config.SERVICE_TOKEN_SECRET);
    const options = (name: string, baseUrl: string) => ({ name, baseUrl, tokens: serviceToken, timeoutMs: config.DOWNSTREAM_TIMEOUT_MS });
    const services: Services = {
      users: new ServiceClient(options('users', config.USERS_URL)),
      catalog: new ServiceClient(options('catalog', config.CATALOG_URL)),
      inventory: new ServiceClient(options('inventory', config.INVENTORY_URL)),
      cart: new ServiceClient(options('cart', config.CART_URL)),
      orders: new ServiceClient(options('orders', config.ORDERS_URL)),
      payments: new ServiceClient(options('payments', config.PAYMENTS_URL)),
      notifications: new ServiceClient(options('notifications', config.NOTIFICATIONS_URL)),
      shipping: new ServiceClient(options('shipping', config.SHIPPING_URL)),
    };
    const tokens = new Tokens({ secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.JWT_TTL_SECONDS });
    return { app: createGatewayApp({ config, logger, redis, temporal, tokens, services }) };
  },
});
