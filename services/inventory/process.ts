// The inventory service: stock levels over HTTP, reservations on task queue `inventory`.
import { DEMO_PRODUCTS } from '../../shared/demo-data.js';
import { defineProcess } from '../../shared/process.js';
import { openDatabase, openWorker, serviceAppOptions } from '../../shared/process-resources.js';
import { createInventoryActivities } from './activities.js';
import { createInventoryApp } from './app.js';
import { inventoryEnv } from './config.js';
import { InventoryStore } from './store.js';
import { inventoryCatalogue } from './temporal/catalogue.js';

export const inventoryProcess = defineProcess({
  name: 'inventory',
  env: inventoryEnv,
  start: async (ctx) => {
    const store = new InventoryStore(await openDatabase(ctx));
    await store.ensureIndexes();
    if (ctx.config.SEED_DEMO === 'true') for (const p of DEMO_PRODUCTS) await store.seed(p.sku, p.stock);
    const worker = await openWorker(ctx, { taskQueue: inventoryCatalogue.taskQueue, activities: createInventoryActivities(store) });
    return { app: createInventoryApp({ store, appOptions: serviceAppOptions(ctx) }), worker };
  },
});
