// Notifications' HTTP API: a user's notifications (unread filter), mark as read, unread count.
import { createRoute, z } from '@hono/zod-openapi';
import { mayActFor } from '../../shared/auth/caller.js';
import { json } from '../../shared/http/openapi.js';
import { createServiceApp, type ServiceAppOptions } from '../../shared/http/service-app.js';
import { timeCursor, timePosition } from '../../shared/pagination.js';
import { HttpProblem } from '../../shared/problem.js';
import { IdParam, ListQuery, Notification, NotificationPage, UnreadQuery } from './schemas.js';
import type { NotificationsStore } from './store.js';

const list = createRoute({
  method: 'get',
  path: '/notifications',
  tags: ['notifications'],
  request: { query: ListQuery },
  responses: { 200: json(NotificationPage, 'newest first'), 404: { description: 'not yours' } },
});
const unread = createRoute({
  method: 'get',
  path: '/notifications/unread-count',
  tags: ['notifications'],
  request: { query: UnreadQuery },
  responses: {
    200: json(z.object({ userId: z.string(), unread: z.number().int() }), 'how many are unread'),
    404: { description: 'not yours' },
  },
});
const markRead = createRoute({
  method: 'post',
  path: '/notifications/{id}/read',
  tags: ['notifications'],
  request: { params: IdParam },
  responses: { 200: json(Notification, 'the notification, read'), 404: { description: 'no such notification (or not yours)' } },
});

// 404 rather than 403: ids of other users' notifications do not leak.
const notYours = () => new HttpProblem('not-found', { detail: 'no such notification' });

export function createNotificationsApp(deps: { store: NotificationsStore; appOptions: ServiceAppOptions }) {
  const { store } = deps;
  return createServiceApp(deps.appOptions)
    .openapi(list, async (c) => {
      const { userId, unread: onlyUnread, limit, cursor } = c.req.valid('query');
      if (!mayActFor(c.var.caller, userId)) throw notYours();
      const page = await store.list(userId, onlyUnread === 'true', limit, cursor ? timePosition(cursor) : undefined);
      return c.json({ items: page.items, nextCursor: page.next ? timeCursor(page.next.createdAt, page.next.id) : null }, 200);
    })
    .openapi(unread, async (c) => {
      const { userId } = c.req.valid('query');
      if (!mayActFor(c.var.caller, userId)) throw notYours();
      return c.json({ userId, unread: await store.unreadCount(userId) }, 200);
    })
    .openapi(markRead, async (c) => {
      const { id } = c.req.valid('param');
      const existing = await store.get(id);
      if (!existing || !mayActFor(c.var.caller, existing.userId)) throw notYours();
      const read = await store.markRead(id);
      if (!read) throw notYours();
      return c.json(read, 200);
    });
}

export type NotificationsApp = ReturnType<typeof createNotificationsApp>;
