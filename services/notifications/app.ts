// Notifications' HTTP API: a user's notifications (unread filter), mark as read, unread count.
import { createRoute, z } from '@hono/zod-openapi';
import { assertMayActFor } from '../../shared/http/caller.js';
import { json } from '../../shared/http/openapi.js';
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '../../shared/http/service-app.js';
import { decodeCursor, encodeCursor } from '../../shared/pagination.js';
import { problem } from '../../shared/problem.js';
import { CursorPosition, IdParam, ListQuery, Notification, NotificationPage, UnreadQuery } from './schemas.js';
import type { NotificationsStore } from './store.js';


const list = createRoute({
  method: 'get', path: '/notifications', tags: ['notifications'], request: { query: ListQuery },
  responses: { 200: json(NotificationPage, 'newest first'), 404: { description: 'not yours' } },
});
const unread = createRoute({
  method: 'get', path: '/notifications/unread-count', tags: ['notifications'], request: { query: UnreadQuery },
  responses: { 200: json(z.object({ userId: z.string(), unread: z.number().int() }), 'how many are unread') },
});
const markRead = createRoute({
  method: 'post', path: '/notifications/{id}/read', tags: ['notifications'], request: { params: IdParam },
  responses: { 200: json(Notification, 'the notification, read'), 404: { description: 'no such notification (or not yours)' } },
});

export function createNotificationsApp(deps: { store: NotificationsStore; appOptions: ServiceAppOptions }): ServiceApp {
  const { store } = deps;
  const app = createServiceApp(deps.appOptions);
  app.openapi(list, async (c) => {
    const { userId, unread: onlyUnread, limit, cursor } = c.req.valid('query');
    assertMayActFor(c, userId);
    const page = await store.list(userId, onlyUnread === 'true', limit, decodeCursor(cursor, CursorPosition));
    return c.json({ items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null }, 200);
  });
  app.openapi(unread, async (c) => {
    const { userId } = c.req.valid('query');
    assertMayActFor(c, userId);
    return c.json({ userId, unread: await store.unreadCount(userId) }, 200);
  });
  app.openapi(markRead, async (c) => {
    const { id } = c.req.valid('param');
    const existing = await store.get(id);
    if (!existing) throw problem.notFound('no such notification');
    assertMayActFor(c, existing.userId);
    return c.json((await store.markRead(id))!, 200);
  });
  return app;
}
