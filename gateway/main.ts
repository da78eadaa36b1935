// The gateway process: Redis, the Temporal client, one client per service, then the public API.
import { SERVICE_NAMES, type ServiceName } from '../shared/domain/vocabulary.js';
import { ServiceClient } from '../shared/http/service-client.js';
import { openRedis, openTemporalClient, runProcess } from '../shared/process.js';
import { createGatewayApp } from './app.js';
import { Tokens } from './auth.js';
import { gatewayEnv } from './config.js';

await runProcess({
  name: 'gateway',
  env: gatewayEnv,
  listenOn: (config) => ({ PORT: config.GATEWAY_PORT, HOST: config.HOST }),
  start: async (ctx) => {
    const { config, logger } = ctx;
    const redis = openRedis(ctx);
    const temporal = await openTemporalClient(ctx);
    const urls: Record<ServiceName, string> = {
      users: config.USERS_URL, catalog: config.CATALOG_URL, inventory: config.INVENTORY_URL, cart: config.CART_URL,
      orders: config.ORDERS_URL, payments: config.PAYMENTS_URL, notifications: config.NOTIFICATIONS_URL, shipping: config.SHIPPING_URL,
    };
    const services = Object.fromEntries(
      SERVICE_NAMES.map((name) => [name, new ServiceClient({ name, baseUrl: urls[name], secret: config.SERVICE_TOKEN_SECRET, timeoutMs: config.DOWNSTREAM_TIMEOUT_MS })]),
    ) as Record<ServiceName, ServiceClient>;
    const tokens = new Tokens({ secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.JWT_TTL_SECONDS });
    return { app: createGatewayApp({ config, logger, redis, temporal, tokens, services }) };
  },
});
