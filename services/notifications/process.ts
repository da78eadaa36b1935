// The notifications service: a user's notifications over HTTP, sending on task queue `notifications`.
import { defineProcess } from '../../shared/process.js';
import { openDatabase, openWorker, serviceAppOptions } from '../../shared/process-resources.js';
import { createNotificationsActivities } from './activities.js';
import { createNotificationsApp } from './app.js';
import { notificationsEnv } from './config.js';
import { NotificationsStore } from './store.js';
import { OutboxTransport, SmtpTransport, type Transport } from './transport.js';
import { notificationsCatalogue } from './temporal/catalogue.js';

export const notificationsProcess = defineProcess({
  name: 'notifications',
  env: notificationsEnv,
  start: async (ctx) => {
    const { config } = ctx;
    const transport: Transport =
      config.NOTIFY_TRANSPORT === 'smtp' && config.SMTP_URL ? new SmtpTransport(config.SMTP_URL, config.SMTP_FROM) : new OutboxTransport();
    const store = new NotificationsStore(await openDatabase(ctx), transport);
    await store.ensureIndexes();
    const worker = await openWorker(ctx, { taskQueue: notificationsCatalogue.taskQueue, activities: createNotificationsActivities(store) });
    return { app: createNotificationsApp({ store, appOptions: serviceAppOptions(ctx) }), worker };
  },
});
