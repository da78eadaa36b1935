// The cart process: carts in Redis over HTTP; it runs no worker.
import { ServiceClient } from '../../shared/http/service-client.js';
import { openRedis, runProcess, serviceAppOptions } from '../../shared/process.js';
import { createCartApp } from './app.js';
import { catalogLookup } from './catalog-lookup.js';
import { cartEnv } from './config.js';
import { CartStore } from './store.js';

await runProcess({
  name: 'cart',
  env: cartEnv,
  start: async (ctx) => {
    const { config } = ctx;
    const catalog = catalogLookup(new ServiceClient({ name: 'catalog', baseUrl: config.CATALOG_URL, secret: config.SERVICE_TOKEN_SECRET, timeoutMs: 3_000 }));
    return { app: createCartApp({ store: new CartStore(openRedis(ctx), config.CART_TTL_SECONDS), catalog, appOptions: serviceAppOptions(ctx) }) };
  },
});
