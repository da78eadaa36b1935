import { z } from '@hono/zod-openapi';
import { UserId } from '../../shared/domain/ids.js';
import { Notification, NotificationId } from '../../shared/domain/notification.js';
import { TimeCursor, limitParam } from '../../shared/pagination.js';

export { Notification };
export const NotificationPage = z.object({ items: z.array(Notification), nextCursor: TimeCursor.nullable() }).openapi('NotificationPage');
export const ListQuery = z.object({
  userId: UserId,
  unread: z.enum(['true', 'false']).optional(),
  limit: limitParam,
  cursor: TimeCursor.optional(),
});
export const UnreadQuery = z.object({ userId: UserId });
export const IdParam = z.object({ id: NotificationId });
