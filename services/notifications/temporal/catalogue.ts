// The notifications service's activity catalogue: what its worker runs on its task queue, each
// activity with its zod input and output and the business failures it may report
// (activities/define-catalogue.ts). Implemented in ../activities.ts.
import { z } from 'zod';
import { UserId } from '../../../shared/domain/ids.js';
import { NotificationId } from '../../../shared/domain/notification.js';
import { NOTIFICATION_CHANNELS, NOTIFICATION_TEMPLATES } from '../../../shared/domain/vocabulary.js';
import { defineCatalogue, type ActivitiesOf } from '../../../activities/define-catalogue.js';
import { ping } from '../../../activities/probe.js';
import { notificationsTaskQueue } from './contract.js';

const scalar = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);

export const notificationsCatalogue = defineCatalogue({
  taskQueue: notificationsTaskQueue,
  activities: {
    /** Sends one notification per key (e.g. `<orderId>:order_confirmed`); a repeat sends nothing. */
    sendNotification: {
      input: z
        .object({
          key: NotificationId,
          // Operator alerts go to the pseudo-user `operators`.
          userId: UserId,
          template: z.enum(NOTIFICATION_TEMPLATES),
          channel: z.enum(NOTIFICATION_CHANNELS).optional(),
          to: z.string().max(254).optional(),
          data: z.record(z.string().max(100), scalar).optional(),
        })
        .strict(),
      output: z.object({ notificationId: z.string() }),
      failures: [],
    },
    ping,
  },
});
export type NotificationsActivities = ActivitiesOf<typeof notificationsCatalogue>;
export type SendNotificationInput = z.infer<typeof notificationsCatalogue.activities.sendNotification.input>;
