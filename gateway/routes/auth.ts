// Register, login and the caller's own profile. Credentials are checked by the
// users service; the gateway issues the token. Registering starts the customer's
// onboarding workflow.
import { createRoute } from '@hono/zod-openapi';
import { WorkflowIdReusePolicy } from '@temporalio/client';
import { workflowIds } from '../../shared/domain/vocabulary.js';
import { onboardingSettings } from '../saga-settings.js';
import { Workflows } from '../../workflows/definitions.js';
import type { onboarding } from '../../workflows/onboarding.js';
import type { GatewayApp, GatewayDeps } from '../context.js';
import { LoginBody, Me, PublicUser, RegisterBody, Token } from '../schemas.js';
import { body, json, pick, userOf } from './support.js';

interface UserRecord { id: string; email: string; name: string; roles: string[] }
const SYSTEM = { userId: 'system', roles: ['system'] };

const register = createRoute({
  method: 'post', path: '/api/v1/auth/register', tags: ['auth'], summary: 'Create a customer account',
  request: body(RegisterBody),
  responses: { 201: json(PublicUser, 'the new account'), ...pick(400, 409, 429, 503) },
});
const login = createRoute({
  method: 'post', path: '/api/v1/auth/login', tags: ['auth'], summary: 'Exchange email and password for an access token',
  request: body(LoginBody),
  responses: { 200: json(Token, 'a bearer token'), ...pick(400, 401, 429) },
});
const me = createRoute({
  method: 'get', path: '/api/v1/me', tags: ['auth'], summary: 'The signed-in user', security: [{ bearer: [] }],
  responses: { 200: json(Me, 'the caller'), ...pick(401) },
});

export function installAuthRoutes(app: GatewayApp, deps: GatewayDeps): void {
  const { services, tokens, temporal, config, logger } = deps;

  app.openapi(register, async (c) => {
    const input = c.req.valid('json');
    const { body: user } = await services.users.call<UserRecord>('POST', '/users', { caller: SYSTEM, body: input, requestId: c.get('requestId') });
    try {
      await temporal.workflow.start<typeof onboarding>(Workflows.onboarding.type, {
        taskQueue: Workflows.onboarding.taskQueue,
        workflowId: workflowIds.onboarding(user.id),
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        args: [{ userId: user.id, email: user.email, name: user.name, settings: onboardingSettings(config) }],
        memo: { requestId: c.get('requestId') },
      });
    } catch (error) {
      // The account exists; a missing welcome mail must not turn that into an error.
      logger.warn({ err: error, userId: user.id }, 'could not start onboarding');
    }
    return c.json({ id: user.id, email: user.email, name: user.name }, 201);
  });

  app.openapi(login, async (c) => {
    const { body: user } = await services.users.call<UserRecord>('POST', '/credentials/verify', { caller: SYSTEM, body: c.req.valid('json'), requestId: c.get('requestId') });
    const accessToken = await tokens.issue(user);
    return c.json({ accessToken, tokenType: 'Bearer' as const, expiresIn: tokens.ttlSeconds }, 200);
  });

  app.openapi(me, async (c) => {
    const caller = userOf(c);
    const { body: user } = await services.users.call<UserRecord>('GET', `/users/${encodeURIComponent(caller.userId)}`, { caller, requestId: c.get('requestId') });
    return c.json({ id: user.id, email: user.email, name: user.name, roles: user.roles }, 200);
  });
}
