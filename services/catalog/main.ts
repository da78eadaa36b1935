import { z } from 'zod';
import { createCatalogActivities } from '../../activities/catalog.js';
import { DEMO_PRODUCTS } from '../../shared/demo-data.js';
import { TaskQueues } from '../../shared/domain.js';
import { startService } from '../../shared/service-main.js';
import { createCatalogApp } from './app.js';
import { CatalogStore } from './store.js';

await startService({
  name: 'catalog',
  taskQueue: TaskQueues.catalog,
  uses: { mongo: true, redis: true },
  env: z.object({ SEED_DEMO: z.enum(['true', 'false']).default('false') }),
  build: async ({ db, redis, config, appOptions, logger }) => {
    const store = new CatalogStore(db, redis, logger);
    await store.ensureIndexes();
    if (config.SEED_DEMO === 'true') await store.seed(DEMO_PRODUCTS);
    return { app: createCatalogApp({ store, appOptions }), activities: createCatalogActivities(store) };
  },
});
