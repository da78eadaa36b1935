import { createOrdersActivities } from '../../activities/orders.js';
import { TaskQueues } from '../../shared/domain.js';
import { startService } from '../../shared/service-main.js';
import { createOrdersApp } from './app.js';
import { OrdersStore } from './store.js';

await startService({
  name: 'orders',
  taskQueue: TaskQueues.orders,
  uses: { mongo: true },
  build: async ({ db, appOptions }) => {
    const store = new OrdersStore(db);
    await store.ensureIndexes();
    return { app: createOrdersApp({ store, appOptions }), activities: createOrdersActivities(store) };
  },
});
