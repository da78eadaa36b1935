// The dashboard (backend for frontend): user, recent orders and unread
// notifications fetched in parallel, each with its own small budget. A part that
// fails or is slow becomes null and is named in `degraded`; never a 5xx.
import { createRoute } from '@hono/zod-openapi';
import type { GatewayApp, GatewayDeps } from '../context.js';
import { Dashboard } from '../schemas.js';
import { json, pick, userOf } from './support.js';

const dashboard = createRoute({
  method: 'get', path: '/api/v1/dashboard', tags: ['dashboard'], security: [{ bearer: [] }],
  responses: { 200: json(Dashboard, 'everything the home screen needs'), ...pick(401) },
});

export function installDashboardRoutes(app: GatewayApp, { services, config, logger }: GatewayDeps): void {
  app.openapi(dashboard, async (c) => {
    const user = userOf(c);
    const init = { caller: user, requestId: c.get('requestId'), timeoutMs: config.DASHBOARD_PART_TIMEOUT_MS };
    const id = encodeURIComponent(user.userId);
    const parts = {
      user: services.users.call<{ id: string; email: string; name: string; roles: string[] }>('GET', `/users/${id}`, init)
        .then(({ body: u }) => ({ id: u.id, email: u.email, name: u.name, roles: u.roles })),
      recentOrders: services.orders.call<{ items: Array<{ orderId: string; status: string; totalCents?: number; currency?: string; createdAt: string }> }>('GET', `/orders?customerId=${id}&limit=5`, init)
        .then(({ body }) => body.items.map((o) => ({ orderId: o.orderId, status: o.status, totalCents: o.totalCents ?? null, currency: o.currency ?? null, createdAt: o.createdAt }))),
      unreadNotifications: services.notifications.call<{ items: unknown[] }>('GET', `/notifications?userId=${id}&unread=true&limit=10`, init)
        .then(({ body }) => body.items),
    };
    const names = Object.keys(parts) as Array<keyof typeof parts>;
    const settled = await Promise.allSettled(names.map((n) => parts[n]));
    const degraded: string[] = [];
    const result: Record<string, unknown> = {};
    settled.forEach((outcome, i) => {
      const name = names[i]!;
      if (outcome.status === 'fulfilled') result[name] = outcome.value;
      else {
        result[name] = null;
        degraded.push(name);
        logger.warn({ part: name, err: outcome.reason }, 'dashboard part degraded');
      }
    });
    return c.json({ ...result, degraded } as never, 200);
  });
}
