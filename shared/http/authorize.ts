// Route-level authorisation, for the gateway's routes and the services' alike.
// It is given to createRoute's `middleware`, which @hono/zod-openapi runs before
// the route's validators: who may call a route is decided before its input is
// looked at, so a caller who may not use it learns nothing from validation errors.
// Its env type tells the handler that `caller` is set.
import type { MiddlewareHandler } from 'hono';
import { HttpProblem } from '../problem.js';
import { hasRole, mayActFor, type Caller, type CallerRole } from '../auth/caller.js';

export type AuthorizedEnv = { Variables: { caller: Caller } };

/** Requires a caller (401 without one) and, when `roles` are given, one of them (403 otherwise). */
export function authorize(...roles: CallerRole[]): MiddlewareHandler<AuthorizedEnv> {
  return async (c, next) => {
    // The gateway's env has no caller for anonymous requests; the type says what holds after this check.
    const caller: Caller | undefined = c.get('caller');
    if (!caller) throw new HttpProblem('unauthorized', { detail: 'authentication required' });
    if (roles.length && !hasRole(caller, ...roles)) throw new HttpProblem('forbidden', { detail: `only for ${roles.join(' or ')}` });
    await next();
  };
}

/**
 * Requires the caller to be the user the path parameter `param` names, or an
 * operator; 404 otherwise, so ids of other users' data do not leak. Read from the
 * raw path, before the parameter is validated: a stranger learns nothing either way.
 */
export function ownerOnly(param: string): MiddlewareHandler<AuthorizedEnv> {
  return async (c, next) => {
    const caller: Caller | undefined = c.get('caller');
    if (!caller) throw new HttpProblem('unauthorized', { detail: 'authentication required' });
    if (!mayActFor(caller, c.req.param(param) ?? '')) throw new HttpProblem('not-found', { detail: 'no such resource' });
    await next();
  };
}
