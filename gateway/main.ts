// The gateway process: config, Redis, the Temporal client, one client per
// service, then the HTTP server. It logs 'listening' with its URL when ready.
import { serve } from '@hono/node-server';
import { SERVICE_NAMES, type ServiceName } from '../shared/domain.js';
import { ServiceClient } from '../shared/http/service-client.js';
import { runProcess } from '../shared/lifecycle.js';
import { createLogger } from '../shared/logger.js';
import { connectRedis } from '../shared/redis.js';
import { connectTemporalClient } from '../shared/temporal.js';
import { createGatewayApp } from './app.js';
import { Tokens } from './auth.js';
import { loadGatewayConfig } from './config.js';

const logger = createLogger('gateway');

await runProcess(logger, async (onStop) => {
  const config = loadGatewayConfig();
  const redis = connectRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX);
  onStop(async () => { await redis.quit().catch(() => undefined); });
  const temporal = await connectTemporalClient({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE });
  onStop(() => temporal.connection.close());
  const urls: Record<ServiceName, string> = {
    users: config.USERS_URL, catalog: config.CATALOG_URL, inventory: config.INVENTORY_URL, cart: config.CART_URL,
    orders: config.ORDERS_URL, payments: config.PAYMENTS_URL, notifications: config.NOTIFICATIONS_URL, shipping: config.SHIPPING_URL,
  };
  const services = Object.fromEntries(
    SERVICE_NAMES.map((name) => [name, new ServiceClient({ name, baseUrl: urls[name], secret: config.SERVICE_TOKEN_SECRET, timeoutMs: config.DOWNSTREAM_TIMEOUT_MS })]),
  ) as Record<ServiceName, ServiceClient>;
  const tokens = new Tokens({ secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.JWT_TTL_SECONDS });

  const app = createGatewayApp({ config, logger, redis, temporal, tokens, services });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.GATEWAY_PORT, hostname: config.HOST }, () => resolve(s));
  });
  onStop(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.GATEWAY_PORT;
  logger.info({ port, url: `http://${config.HOST}:${port}` }, 'listening');
});
