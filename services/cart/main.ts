import { z } from 'zod';
import { ServiceClient } from '../../shared/http/service-client.js';
import { startService } from '../../shared/service-main.js';
import { createCartApp } from './app.js';
import { catalogLookup } from './catalog-lookup.js';
import { CartStore } from './store.js';

await startService({
  name: 'cart',
  uses: { redis: true },
  env: z.object({
    CATALOG_URL: z.url(),
    CART_TTL_SECONDS: z.coerce.number().int().min(60).default(7 * 24 * 3600),
  }),
  build: async ({ redis, config, appOptions }) => {
    const catalog = catalogLookup(new ServiceClient({ name: 'catalog', baseUrl: config.CATALOG_URL, secret: config.SERVICE_TOKEN_SECRET, timeoutMs: 3_000 }));
    return { app: createCartApp({ store: new CartStore(redis, config.CART_TTL_SECONDS), catalog, appOptions }) };
  },
});
