// Small helpers every route module uses: who is calling, and JSON/problem responses for the OpenAPI document.
import type { Context } from 'hono';
import type { Caller } from '../../shared/service-auth.js';
import { problem } from '../../shared/problem.js';
import type { GatewayEnv } from '../context.js';
import { Problem } from '../schemas.js';

const ANONYMOUS: Caller = { userId: 'anonymous', roles: [] };

/** The caller forwarded to services: the signed-in user, or anonymous for public reads. */
export const callerOf = (c: Context<GatewayEnv>): Caller => c.get('user') ?? ANONYMOUS;

export function userOf(c: Context<GatewayEnv>): Caller {
  const user = c.get('user');
  if (!user) throw problem.unauthorized();
  return user;
}

export const isAdmin = (caller: Caller) => caller.roles.includes('admin');

export function adminOf(c: Context<GatewayEnv>): Caller {
  const user = userOf(c);
  if (!isAdmin(user)) throw problem.forbidden('administrators only');
  return user;
}

export { body, json } from '../../shared/http/openapi.js';
const problemOf = (description: string) => ({ content: { 'application/problem+json': { schema: Problem } }, description });

/** The error answers most routes share, for the OpenAPI document. */
export const errors = {
  400: problemOf('invalid input, with the failing fields'),
  401: problemOf('missing or invalid access token'),
  403: problemOf('not allowed for this caller'),
  404: problemOf('no such resource'),
  409: problemOf('conflicts with the current state'),
  413: problemOf('body larger than 1 MiB'),
  422: problemOf('well-formed but not acceptable'),
  429: problemOf('rate limit exceeded'),
  503: problemOf('a downstream service is unavailable'),
  504: problemOf('a downstream service did not answer in time'),
} as const;

export const pick = <K extends keyof typeof errors>(...codes: K[]) => Object.fromEntries(codes.map((k) => [k, errors[k]])) as Pick<typeof errors, K>;
