// The caller's notifications (notifications service).
import { createRoute } from '@hono/zod-openapi';
import type { GatewayApp, GatewayDeps } from '../context.js';
import { NotificationPage, NotificationQuery } from '../schemas.js';
import { json, pick, userOf } from './support.js';

const listNotifications = createRoute({
  method: 'get', path: '/api/v1/notifications', tags: ['notifications'], security: [{ bearer: [] }],
  request: { query: NotificationQuery },
  responses: { 200: json(NotificationPage, 'newest first'), ...pick(400, 401) },
});

export function installNotificationRoutes(app: GatewayApp, { services }: GatewayDeps): void {
  app.openapi(listNotifications, async (c) => {
    const user = userOf(c);
    const query = new URLSearchParams({ userId: user.userId });
    for (const [k, v] of Object.entries(c.req.valid('query'))) if (v !== undefined) query.set(k, String(v));
    const { body: page } = await services.notifications.call<never>('GET', `/notifications?${query}`, { caller: user, requestId: c.get('requestId') });
    return c.json(page, 200);
  });
}
