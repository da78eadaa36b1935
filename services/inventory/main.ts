import { z } from 'zod';
import { createInventoryActivities } from '../../activities/inventory.js';
import { DEMO_PRODUCTS } from '../../shared/demo-data.js';
import { TaskQueues } from '../../shared/domain.js';
import { startService } from '../../shared/service-main.js';
import { createInventoryApp } from './app.js';
import { InventoryStore } from './store.js';

await startService({
  name: 'inventory',
  taskQueue: TaskQueues.inventory,
  uses: { mongo: true },
  env: z.object({ SEED_DEMO: z.enum(['true', 'false']).default('false') }),
  build: async ({ db, config, appOptions }) => {
    const store = new InventoryStore(db);
    await store.ensureIndexes();
    if (config.SEED_DEMO === 'true') for (const p of DEMO_PRODUCTS) await store.seed(p.sku, p.stock);
    return { app: createInventoryApp({ store, appOptions }), activities: createInventoryActivities(store) };
  },
});
