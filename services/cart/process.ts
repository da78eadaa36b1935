// The cart service: carts in Redis over HTTP; the checkout workflow and its claims on a cart on task queue `cart`.
import { serviceTokens } from '../../shared/auth/jwt.js';
import { ServiceClient } from '../../shared/http/service-client.js';
import { defineProcess } from '../../shared/process.js';
import { openRedis, openWorker, serviceAppOptions } from '../../shared/process-resources.js';
import type { CatalogApp } from '../catalog/app.js';
import { createCartActivities } from './activities.js';
import { createCartApp } from './app.js';
import { catalogLookup } from './catalog-lookup.js';
import { CartCheckouts } from './checkouts.js';
import { cartEnv } from './config.js';
import { CartStore } from './store.js';
import { cartCatalogue } from './temporal/catalogue.js';

export const cartProcess = defineProcess({
  name: 'cart',
  env: cartEnv,
  start: async (ctx) => {
    const { config } = ctx;
    const redis = openRedis(ctx);
    const catalog = new ServiceClient<CatalogApp>({
      name: 'catalog',
      baseUrl: config.CATALOG_URL,
      tokens: serviceTokens(config.SERVICE_TOKEN_SECRET),
      timeoutMs: 3_000,
    });
    const checkouts = new CartCheckouts(redis, config.CART_TTL_SECONDS);
    const worker = await openWorker(ctx, {
      taskQueue: cartCatalogue.taskQueue,
      activities: createCartActivities(checkouts),
      hostsWorkflows: true,
    });
    return {
      app: createCartApp({
        store: new CartStore(redis, config.CART_TTL_SECONDS),
        catalog: catalogLookup(catalog),
        appOptions: serviceAppOptions(ctx),
      }),
      worker,
    };
  },
});
