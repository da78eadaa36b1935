// The users service: accounts over HTTP, contact lookups and the onboarding workflow on task queue `users`.
import { DEMO_ADMIN } from '../../shared/demo-data.js';
import { defineProcess } from '../../shared/process.js';
import { openDatabase, openWorker, serviceAppOptions } from '../../shared/process-resources.js';
import { createUsersActivities } from './activities.js';
import { createUsersApp } from './app.js';
import { usersEnv } from './config.js';
import { UsersStore } from './store.js';
import { usersCatalogue } from './temporal/catalogue.js';

export const usersProcess = defineProcess({
  name: 'users',
  env: usersEnv,
  start: async (ctx) => {
    const store = new UsersStore(await openDatabase(ctx));
    await store.ensureIndexes();
    if (ctx.config.SEED_DEMO === 'true')
      await store.seedAdmin({ ...DEMO_ADMIN, password: ctx.config.DEMO_ADMIN_PASSWORD ?? DEMO_ADMIN.password });
    const worker = await openWorker(ctx, {
      taskQueue: usersCatalogue.taskQueue,
      activities: createUsersActivities(store),
      hostsWorkflows: true,
    });
    return { app: createUsersApp({ store, appOptions: serviceAppOptions(ctx) }), worker };
  },
});
