// The caller's notifications (notifications service): list (newest first, `unread=true`
// for the unread ones only) and mark one as read.
import { createRoute } from '@hono/zod-openapi';
import type { GatewayApp, GatewayDeps } from '../context.js';
import { Notification, NotificationIdParam, NotificationPage, NotificationQuery } from '../schemas.js';
import { json, pick, userOf } from './support.js';

const listNotifications = createRoute({
  method: 'get', path: '/api/v1/notifications', tags: ['notifications'], security: [{ bearer: [] }],
  request: { query: NotificationQuery },
  responses: { 200: json(NotificationPage, 'newest first'), ...pick(400, 401) },
});

const markRead = createRoute({
  method: 'post', path: '/api/v1/notifications/{notificationId}/read', tags: ['notifications'], summary: 'Mark a notification as read',
  security: [{ bearer: [] }],
  request: { params: NotificationIdParam },
  responses: { 200: json(Notification, 'the notification, with readAt'), ...pick(400, 401, 404) },
});

export function installNotificationRoutes(app: GatewayApp, { services }: GatewayDeps): void {
  app.openapi(listNotifications, async (c) => {
    const user = userOf(c);
    const query = new URLSearchParams({ userId: user.userId });
    for (const [k, v] of Object.entries(c.req.valid('query'))) if (v !== undefined) query.set(k, String(v));
    const { body: page } = await services.notifications.call<never>('GET', `/notifications?${query}`, { caller: user, requestId: c.get('requestId') });
    return c.json(page, 200);
  });
  app.openapi(markRead, async (c) => {
    const user = userOf(c);
    const { notificationId } = c.req.valid('param');
    // Another user's notification is 404 (the service checks the owner).
    const { body: notification } = await services.notifications.call<never>('POST', `/notifications/${encodeURIComponent(notificationId)}/read`, { caller: user, requestId: c.get('requestId') });
    return c.json(notification, 200);
  });
}
