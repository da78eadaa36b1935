import type { Context } from 'hono';
import { problem } from '../problem.js';
import type { ServiceEnv } from './service-app.js';

export const isPrivileged = (roles: readonly string[]) => roles.includes('admin') || roles.includes('system');

/**
 * A service acts on a user's data only for that user, an admin, or the gateway
 * itself. Answers 404 rather than 403 so ids of other users' data do not leak.
 */
export function assertMayActFor(c: Context<ServiceEnv>, userId: string): void {
  const caller = c.get('caller');
  if (caller.userId === userId || isPrivileged(caller.roles)) return;
  throw problem.notFound();
}

export function assertAdmin(c: Context<ServiceEnv>): void {
  if (!isPrivileged(c.get('caller').roles)) throw problem.forbidden('administrators only');
}
