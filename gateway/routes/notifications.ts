// The caller's notifications (notifications service): list (newest first, `unread=true`
// for the unread ones only) and mark one as read.
import { createRoute } from '@hono/zod-openapi';
import { parseResponse } from 'hono/client';
import type { Notification as StoredNotification } from '../../shared/domain/notification.js';
import { authorize } from '../../shared/http/authorize.js';
import type { GatewayApp, GatewayDeps } from '../context.js';
import { NotificationIdParam } from '../../shared/http/path-params.js';
import { Notification, NotificationPage, NotificationQuery } from '../schemas.js';
import { callAs } from './context.js';
import { ANY, DOWNSTREAM, json, problems, signedIn } from './responses.js';

const listNotifications = createRoute({
  method: 'get',
  operationId: 'listNotifications',
  path: '/api/v1/notifications',
  tags: ['notifications'],
  ...signedIn,
  middleware: authorize(),
  request: { query: NotificationQuery },
  responses: { 200: json(NotificationPage, 'newest first'), ...problems(400, ...ANY, ...DOWNSTREAM) },
});
const markRead = createRoute({
  method: 'post',
  operationId: 'markNotificationRead',
  path: '/api/v1/notifications/{notificationId}/read',
  tags: ['notifications'],
  summary: 'Mark a notification as read',
  ...signedIn,
  middleware: authorize(),
  request: { params: NotificationIdParam },
  responses: { 200: json(Notification, 'the notification, with readAt'), ...problems(400, ...ANY, 404, ...DOWNSTREAM) },
});

/** What the public API shows of a notification: not whose it is (the caller's) or how far its sending got. */
export const shown = ({ userId: _userId, status: _status, ...notification }: StoredNotification) => notification;

export function installNotificationRoutes(app: GatewayApp, { services }: GatewayDeps): void {
  app.openapi(listNotifications, async (c) => {
    const { unread, limit, cursor } = c.req.valid('query');
    const page = await parseResponse(
      services.notifications.as(callAs(c.var)).notifications.$get({ query: { userId: c.var.caller.userId, unread, limit, cursor } }),
    );
    return c.json({ items: page.items.map(shown), nextCursor: page.nextCursor }, 200);
  });
  app.openapi(markRead, async (c) => {
    // Another user's notification is 404 (the service checks the owner).
    const notification = await parseResponse(
      services.notifications.as(callAs(c.var)).notifications[':id'].read.$post({ param: { id: c.req.valid('param').notificationId } }),
    );
    return c.json(shown(notification), 200);
  });
}
