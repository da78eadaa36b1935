import { createShippingActivities } from '../../activities/shipping.js';
import { TaskQueues } from '../../shared/domain.js';
import { startService } from '../../shared/service-main.js';
import { createShippingApp } from './app.js';
import { ShippingStore } from './store.js';

await startService({
  name: 'shipping',
  taskQueue: TaskQueues.shipping,
  uses: { mongo: true },
  build: async ({ db, appOptions }) => {
    const store = new ShippingStore(db);
    await store.ensureIndexes();
    return { app: createShippingApp({ store, appOptions }), activities: createShippingActivities(store) };
  },
});
