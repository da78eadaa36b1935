// Register, login and the caller's own profile, and the account administration
// (deactivate, set roles; admin only; docs/api.md, Accounts). Credentials are checked by
// the users service; the gateway issues the token, and limits failed logins per
// account and per address. Registering starts the customer's onboarding workflow.
import { createRoute } from '@hono/zod-openapi';
import { parseResponse } from 'hono/client';
import { SYSTEM } from '../../shared/auth/caller.js';
import { authorize } from '../../shared/http/authorize.js';
import { HttpProblem } from '../../shared/problem.js';
import type { LoginLimiter } from '../auth/login-limiter.js';
import type { GatewayApp, GatewayDeps } from '../context.js';
import { redisLimiter, takeOrRefuse } from '../limits.js';
import { clientAddress, proxyHops } from '../middleware/client-address.js';
import { startOnboarding } from '../onboarding.js';
import { onboardingSettings } from '../../services/users/temporal/settings.js';
import { UserIdParam } from '../../shared/http/path-params.js';
import { Account, LoginBody, Me, PublicUser, RegisterBody, RolesBody, Token } from '../schemas.js';
import { callAs } from './context.js';
import { ANY, BODY, DOWNSTREAM, body, json, optionallySignedIn, problems, signedIn } from './responses.js';

const register = createRoute({
  method: 'post',
  operationId: 'registerUser',
  path: '/api/v1/auth/register',
  tags: ['auth'],
  summary: 'Create a customer account',
  ...optionallySignedIn,
  request: body(RegisterBody),
  responses: { 201: json(PublicUser, 'the new account'), ...problems(...BODY, ...ANY, 409, ...DOWNSTREAM) },
});
const login = createRoute({
  method: 'post',
  operationId: 'login',
  path: '/api/v1/auth/login',
  tags: ['auth'],
  summary: 'Exchange email and password for an access token',
  ...optionallySignedIn,
  request: body(LoginBody),
  responses: { 200: json(Token, 'a bearer token'), ...problems(...BODY, ...ANY, ...DOWNSTREAM) },
});
const me = createRoute({
  method: 'get',
  operationId: 'getMe',
  path: '/api/v1/me',
  tags: ['auth'],
  summary: 'The signed-in user',
  ...signedIn,
  middleware: authorize(),
  responses: { 200: json(Me, 'the caller'), ...problems(...ANY, ...DOWNSTREAM) },
});
const admin = { ...signedIn, middleware: authorize('admin') };
const deactivate = createRoute({
  method: 'delete',
  operationId: 'deactivateUser',
  path: '/api/v1/users/{userId}',
  tags: ['accounts'],
  summary: 'Deactivate an account (admin): no more logins, its tokens are refused',
  ...admin,
  request: { params: UserIdParam },
  responses: { 200: json(Account, 'the deactivated account'), ...problems(400, ...ANY, 403, 404, 409, ...DOWNSTREAM) },
});
const setRoles = createRoute({
  method: 'put',
  operationId: 'setUserRoles',
  path: '/api/v1/users/{userId}/roles',
  tags: ['accounts'],
  summary: "Set an account's roles (admin); its tokens carry them within USER_CACHE_SECONDS",
  ...admin,
  request: { params: UserIdParam, ...body(RolesBody) },
  responses: { 200: json(Account, 'the account with its roles'), ...problems(...BODY, ...ANY, 403, 404, 409, ...DOWNSTREAM) },
});

const account = ({ id, email, name, roles, active }: { id: string; email: string; name: string; roles: string[]; active: boolean }) => ({
  id,
  email,
  name,
  roles,
  active,
});

export function installAuthRoutes(app: GatewayApp, deps: GatewayDeps, logins: LoginLimiter): void {
  const { services, tokens, temporal, config, logger, redis } = deps;
  // Its own budget per address, far below the general one: each account costs a
  // password hash and an onboarding workflow that runs for days.
  const registrations = redisLimiter(redis, {
    keyPrefix: 'registrations:ip',
    points: config.REGISTRATIONS_PER_IP,
    durationSeconds: config.REGISTRATION_WINDOW_SECONDS,
  });

  app.openapi(register, async (c) => {
    await takeOrRefuse(registrations, clientAddress(c, proxyHops(config)), 'too many registrations from this address');
    const user = await parseResponse(services.users.as(callAs({ ...c.var, caller: SYSTEM })).users.$post({ json: c.req.valid('json') }));
    await startOnboarding({ temporal, logger, settings: onboardingSettings(config) }, user, c.var.requestId);
    return c.json({ id: user.id, email: user.email, name: user.name }, 201);
  });

  app.openapi(login, async (c) => {
    const credentials = c.req.valid('json');
    const user = await logins.check(credentials.email, clientAddress(c, proxyHops(config)), async () => {
      const res = await services.users
        .as(callAs({ ...c.var, caller: SYSTEM }, { accept: [401] }))
        .credentials.verify.$post({ json: credentials });
      return res.status === 401 ? undefined : parseResponse(res);
    });
    if (!user) throw new HttpProblem('unauthorized', { detail: 'wrong email or password' });
    const accessToken = await tokens.sign({ userId: user.id, roles: user.roles });
    return c.json({ accessToken, tokenType: 'Bearer' as const, expiresIn: tokens.ttlSeconds }, 200);
  });

  app.openapi(me, async (c) => {
    const user = await parseResponse(services.users.as(callAs(c.var)).users[':userId'].$get({ param: { userId: c.var.caller.userId } }));
    return c.json({ id: user.id, email: user.email, name: user.name, roles: user.roles }, 200);
  });

  app.openapi(deactivate, async (c) => {
    const user = await parseResponse(services.users.as(callAs(c.var)).users[':userId'].deactivate.$post({ param: c.req.valid('param') }));
    return c.json(account(user), 200);
  });

  app.openapi(setRoles, async (c) => {
    const user = await parseResponse(
      services.users.as(callAs(c.var)).users[':userId'].roles.$put({ param: c.req.valid('param'), json: c.req.valid('json') }),
    );
    return c.json(account(user), 200);
  });
}
