// The orders service: the order log and read model over HTTP, and on task queue
// `orders` the order saga itself, which records its steps here as local activities.
import { defineProcess } from '../../shared/process.js';
import { openDatabase, openWorker, serviceAppOptions } from '../../shared/process-resources.js';
import { createOrdersActivities } from './activities.js';
import { createOrdersApp } from './app.js';
import { ordersEnv } from './config.js';
import { OrdersStore } from './store.js';
import { ordersCatalogue } from './temporal/catalogue.js';

export const ordersProcess = defineProcess({
  name: 'orders',
  env: ordersEnv,
  start: async (ctx) => {
    const store = new OrdersStore(await openDatabase(ctx));
    await store.ensureIndexes();
    const worker = await openWorker(ctx, {
      taskQueue: ordersCatalogue.taskQueue,
      activities: createOrdersActivities(store),
      hostsWorkflows: true,
    });
    return { app: createOrdersApp({ store, appOptions: serviceAppOptions(ctx) }), worker };
  },
});
