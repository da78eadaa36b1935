// The dashboard (backend for frontend): user, recent orders and unread
// notifications fetched in parallel, each with its own small budget. A part that
// fails or is slow becomes null and is named in `degraded`; never a 5xx.
import { createRoute } from '@hono/zod-openapi';
import { parseResponse } from 'hono/client';
import { authorize } from '../../shared/http/authorize.js';
import type { GatewayApp, GatewayDeps } from '../context.js';
import { orderSummary } from '../orders/summary.js';
import { Dashboard } from '../schemas.js';
import { callAs } from './context.js';
import { shown } from './notifications.js';
import { ANY, json, problems, signedIn } from './responses.js';

const dashboard = createRoute({
  method: 'get',
  operationId: 'getDashboard',
  path: '/api/v1/dashboard',
  tags: ['dashboard'],
  ...signedIn,
  middleware: authorize(),
  responses: { 200: json(Dashboard, 'everything the home screen needs'), ...problems(...ANY) },
});

export function installDashboardRoutes(app: GatewayApp, { services, config, logger }: GatewayDeps): void {
  app.openapi(dashboard, async (c) => {
    const as = callAs(c.var, { timeoutMs: config.DASHBOARD_PART_TIMEOUT_MS });
    const userId = c.var.caller.userId;
    const parts = {
      user: parseResponse(services.users.as(as).users[':userId'].$get({ param: { userId } })).then(({ id, email, name, roles }) => ({
        id,
        email,
        name,
        roles,
      })),
      recentOrders: parseResponse(services.orders.as(as).orders.$get({ query: { customerId: userId, limit: 5 } })).then(({ items }) =>
        items.map(orderSummary),
      ),
      unreadNotifications: parseResponse(
        services.notifications.as(as).notifications.$get({ query: { userId, unread: 'true', limit: 10 } }),
      ).then(({ items }) => items.map(shown)),
    };
    const degraded: string[] = [];
    const orNull =
      <T>(name: string) =>
      (error: unknown): T | null => {
        degraded.push(name);
        logger.warn({ part: name, err: error }, 'dashboard part degraded');
        return null;
      };
    const [user, recentOrders, unreadNotifications] = await Promise.all([
      parts.user.catch(orNull<Awaited<typeof parts.user>>('user')),
      parts.recentOrders.catch(orNull<Awaited<typeof parts.recentOrders>>('recentOrders')),
      parts.unreadNotifications.catch(orNull<Awaited<typeof parts.unreadNotifications>>('unreadNotifications')),
    ]);
    // In the order of the parts, whichever failed first.
    degraded.sort((a, b) => Object.keys(parts).indexOf(a) - Object.keys(parts).indexOf(b));
    return c.json({ user, recentOrders, unreadNotifications, degraded }, 200);
  });
}
