import { z } from 'zod';
import { UserId } from './ids.js';
import { boundedString } from './text.js';
import { NOTIFICATION_CHANNELS, NOTIFICATION_TEMPLATES } from './vocabulary.js';

/** Notification ids are their idempotency keys, such as `<orderId>:order_confirmed`. */
export const NotificationId = boundedString(300)
  .min(1)
  .regex(/^[A-Za-z0-9_:.-]+$/, 'letters, digits, _ : . and - only')
  .meta({ example: '3f2b8c1e-4d5a-5b6c-a7d8-9e0f1a2b3c4d:order_confirmed' });

export const Notification = z
  .object({
    id: NotificationId,
    userId: UserId,
    channel: z.enum(NOTIFICATION_CHANNELS),
    template: z.enum(NOTIFICATION_TEMPLATES),
    subject: z.string(),
    body: z.string(),
    status: z.enum(['PENDING', 'SENT']),
    createdAt: z.iso.datetime(),
    readAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Notification' });
export type Notification = z.infer<typeof Notification>;
