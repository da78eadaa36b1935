// Who is calling. A request without credentials is anonymous; one with a valid
// access token for an active account is that caller, with the roles the account
// has now (./accounts.ts). Credentials that are presented and refused (malformed,
// forged, expired, or an account that is no longer active) are not answered here:
// they are kept for `refuseRejectedCredentials`, which runs after the rate limit,
// so failed authentications count against the caller's address like any request.
import type { MiddlewareHandler } from 'hono';
import { bearerToken, type Tokens } from '../../shared/auth/jwt.js';
import { HttpProblem } from '../../shared/problem.js';
import type { GatewayEnv } from '../context.js';
import type { Accounts } from './accounts.js';

export function identify(tokens: Tokens, accounts: Accounts): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const header = c.req.header('Authorization');
    if (header !== undefined) {
      const token = bearerToken(header);
      if (!token) {
        c.set('credentialsRefused', new HttpProblem('unauthorized', { detail: 'the Authorization header must be `Bearer <token>`' }));
        return next();
      }
      let userId: string;
      try {
        ({ userId } = await tokens.verify(token));
      } catch (error) {
        c.set('credentialsRefused', new HttpProblem('unauthorized', { detail: 'the access token is invalid or expired', cause: error }));
        return next();
      }
      const account = await accounts.get(userId);
      if (!account.active)
        c.set('credentialsRefused', new HttpProblem('unauthorized', { detail: 'the account of this token is no longer active' }));
      // `system` is the gateway's own role in service tokens, never an end user's.
      else {
        c.set('caller', { userId, roles: account.roles.filter((role) => role !== 'system') });
        if (account.email) c.set('contact', { email: account.email });
      }
    }
    await next();
  };
}

/** Answers 401 for credentials `identify` refused; runs after the rate limit has counted the request. */
export const refuseRejectedCredentials: MiddlewareHandler<GatewayEnv> = async (c, next) => {
  const refused = c.get('credentialsRefused');
  if (refused) throw refused;
  await next();
};
