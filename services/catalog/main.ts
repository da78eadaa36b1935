// The catalog process: products over HTTP (Redis cache-aside) and order pricing on task queue `catalog`.
import { catalogCatalogue } from '../../activities/catalog.js';
import { DEMO_PRODUCTS } from '../../shared/demo-data.js';
import { openDatabase, openRedis, openWorker, runProcess, serviceAppOptions } from '../../shared/process.js';
import { createCatalogActivities } from './activities.js';
import { createCatalogApp } from './app.js';
import { catalogEnv } from './config.js';
import { CatalogStore } from './store.js';

await runProcess({
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
