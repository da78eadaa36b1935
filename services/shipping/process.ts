// The shipping service: shipments over HTTP, and on task queue `shipping` the
// fulfilment workflow, which creates shipments and records carrier events here locally.
import { defineProcess } from '../../shared/process.js';
import { openDatabase, openWorker, serviceAppOptions } from '../../shared/process-resources.js';
import { createShippingActivities } from './activities.js';
import { createShippingApp } from './app.js';
import { shippingEnv } from './config.js';
import { ShippingStore } from './store.js';
import { shippingCatalogue } from './temporal/catalogue.js';

export const shippingProcess = defineProcess({
  name: 'shipping',
  env: shippingEnv,
  start: async (ctx) => {
    const store = new ShippingStore(await openDatabase(ctx), ctx.config.SHIPMENT_CARRIER_EMAIL);
    await store.ensureIndexes();
    const worker = await openWorker(ctx, {
      taskQueue: shippingCatalogue.taskQueue,
      activities: createShippingActivities(store),
      hostsWorkflows: true,
    });
    return { app: createShippingApp({ store, appOptions: serviceAppOptions(ctx) }), worker };
  },
});
