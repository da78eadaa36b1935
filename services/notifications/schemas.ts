import { z } from '@hono/zod-openapi';
import { NOTIFICATION_CHANNELS, NOTIFICATION_TEMPLATES } from '../../shared/domain/vocabulary.js';
import { limitParam } from '../../shared/pagination.js';

export const Notification = z
  .object({
    id: z.string(), userId: z.string(), channel: z.enum(NOTIFICATION_CHANNELS), template: z.enum(NOTIFICATION_TEMPLATES),
    subject: z.string(), body: z.string(), status: z.string(), createdAt: z.string(), readAt: z.string().nullable(),
  })
  .openapi('Notification');
export const NotificationPage = z.object({ items: z.array(Notification), nextCursor: z.string().nullable() }).openapi('NotificationPage');
export const ListQuery = z.object({ userId: z.string().min(1).max(100), unread: z.enum(['true', 'false']).optional(), limit: limitParam, cursor: z.string().max(500).optional() });
export const UnreadQuery = z.object({ userId: z.string().min(1).max(100) });
export const IdParam = z.object({ id: z.string().min(1).max(300).openapi({ param: { name: 'id', in: 'path' } }) });
export const CursorPosition = z.object({ createdAt: z.iso.datetime(), id: z.string() });
