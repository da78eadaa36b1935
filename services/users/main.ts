import { z } from 'zod';
import { createUsersActivities } from '../../activities/users.js';
import { DEMO_ADMIN } from '../../shared/demo-data.js';
import { TaskQueues } from '../../shared/domain.js';
import { startService } from '../../shared/service-main.js';
import { createUsersApp } from './app.js';
import { UsersStore } from './store.js';

await startService({
  name: 'users',
  taskQueue: TaskQueues.users,
  uses: { mongo: true },
  env: z.object({ SEED_DEMO: z.enum(['true', 'false']).default('false') }),
  build: async ({ db, config, appOptions }) => {
    const store = new UsersStore(db);
    await store.ensureIndexes();
    if (config.SEED_DEMO === 'true') await store.seedAdmin(DEMO_ADMIN);
    return { app: createUsersApp({ store, appOptions }), activities: createUsersActivities(store) };
  },
});
