import { z } from 'zod';
import { createNotificationsActivities } from '../../activities/notifications.js';
import { TaskQueues } from '../../shared/domain.js';
import { startService } from '../../shared/service-main.js';
import { createNotificationsApp } from './app.js';
import { NotificationsStore } from './store.js';
import { OutboxTransport, SmtpTransport, type Transport } from './transport.js';

const env = z
  .object({
    NOTIFY_TRANSPORT: z.enum(['outbox', 'smtp']).default('outbox'),
    SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
    SMTP_FROM: z.string().default('sagashop <no-reply@sagashop.dev>'),
  })
  .refine((e) => e.NOTIFY_TRANSPORT !== 'smtp' || e.SMTP_URL, { path: ['SMTP_URL'], message: 'required when NOTIFY_TRANSPORT=smtp' });

await startService({
  name: 'notifications',
  taskQueue: TaskQueues.notifications,
  uses: { mongo: true },
  env,
  build: async ({ db, config, appOptions }) => {
    const transport: Transport = config.NOTIFY_TRANSPORT === 'smtp' ? new SmtpTransport(config.SMTP_URL!, config.SMTP_FROM) : new OutboxTransport();
    const store = new NotificationsStore(db, transport);
    await store.ensureIndexes();
    return { app: createNotificationsApp({ store, appOptions }), activities: createNotificationsActivities(store) };
  },
});
