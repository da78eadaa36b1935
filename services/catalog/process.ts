// The catalog service: products over HTTP (Redis cache-aside) and order pricing on task queue `catalog`.
import { DEMO_PRODUCTS } from '../../shared/demo-data.js';
import { defineProcess } from '../../shared/process.js';
import { openDatabase, openRedis, openWorker, serviceAppOptions } from '../../shared/process-resources.js';
import { createCatalogActivities } from './activities.js';
import { createCatalogApp } from './app.js';
import { catalogEnv } from './config.js';
import { CatalogStore } from './store.js';
import { catalogCatalogue } from './temporal/catalogue.js';

export const catalogProcess = defineProcess({
  name: 'catalog',
  env: catalogEnv,
  start: async (ctx) => {
    const store = new CatalogStore(await openDatabase(ctx), openRedis(ctx), ctx.logger);
    await store.ensureIndexes();
    if (ctx.config.SEED_DEMO === 'true') await store.seed(DEMO_PRODUCTS);
    const worker = await openWorker(ctx, { taskQueue: catalogCatalogue.taskQueue, activities: createCatalogActivities(store) });
    return { app: createCatalogApp({ store, appOptions: serviceAppOptions(ctx) }), worker };
  },
});
