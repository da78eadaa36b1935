// Users' HTTP API: registration, credential checks for the gateway's login,
// profiles, and the account administration the gateway's admin routes use
// (deactivate, set roles) with the access check it re-reads tokens' users with.
import { createRoute } from '@hono/zod-openapi';
import { mayActFor, type Caller } from '../../shared/auth/caller.js';
import { DomainError } from '../../shared/domain/errors.js';
import { authorize } from '../../shared/http/authorize.js';
import { body, json } from '../../shared/http/openapi.js';
import { createServiceApp, type ServiceAppOptions } from '../../shared/http/service-app.js';
import { HttpProblem } from '../../shared/problem.js';
import { UserIdParam } from '../../shared/http/path-params.js';
import { Access, CredentialsBody, ProfileBody, RegisterBody, RolesBody, User } from './schemas.js';
import type { UsersStore } from './store.js';

const operator = authorize('admin', 'system');

const register = createRoute({
  method: 'post',
  path: '/users',
  tags: ['users'],
  request: body(RegisterBody),
  responses: { 201: json(User, 'the new account'), 400: { description: 'invalid input' }, 409: { description: 'email taken' } },
});
const verify = createRoute({
  method: 'post',
  path: '/credentials/verify',
  tags: ['users'],
  request: body(CredentialsBody),
  responses: { 200: json(User, 'the account'), 401: { description: 'wrong email or password, or a deactivated account' } },
});
const getUser = createRoute({
  method: 'get',
  path: '/users/{userId}',
  tags: ['users'],
  request: { params: UserIdParam },
  responses: { 200: json(User, 'the profile'), 404: { description: 'no such user (or not yours)' } },
});
const updateUser = createRoute({
  method: 'patch',
  path: '/users/{userId}',
  tags: ['users'],
  request: { params: UserIdParam, ...body(ProfileBody) },
  responses: { 200: json(User, 'the profile'), 404: { description: 'no such user (or not yours)' } },
});
const getAccess = createRoute({
  method: 'get',
  path: '/users/{userId}/access',
  tags: ['users'],
  middleware: [operator] as const,
  request: { params: UserIdParam },
  responses: {
    200: json(Access, 'whether the account is active, and its roles'),
    403: { description: 'operators only' },
    404: { description: 'no such user' },
  },
});
const deactivate = createRoute({
  method: 'post',
  path: '/users/{userId}/deactivate',
  tags: ['users'],
  middleware: [operator] as const,
  request: { params: UserIdParam },
  responses: {
    200: json(User, 'the deactivated account'),
    403: { description: 'operators only' },
    404: { description: 'no such user' },
    409: { description: "one's own account" },
  },
});
const setRoles = createRoute({
  method: 'put',
  path: '/users/{userId}/roles',
  tags: ['users'],
  middleware: [operator] as const,
  request: { params: UserIdParam, ...body(RolesBody) },
  responses: {
    200: json(User, 'the account with its new roles'),
    403: { description: 'operators only' },
    404: { description: 'no such user' },
    409: { description: "one's own account" },
  },
});

const noSuchUser = () => new HttpProblem('not-found', { detail: 'no such user' });

export function createUsersApp(deps: { store: UsersStore; appOptions: ServiceAppOptions }) {
  const { store } = deps;
  // An administrator who locks themselves out needs another one to undo it: not allowed.
  const notSelf = (callerId: string, userId: string) => {
    if (callerId === userId)
      throw new HttpProblem('conflict', { detail: 'administrators cannot deactivate their own account or change its roles' });
  };
  const mayRead = (caller: Caller, userId: string) => {
    // 404 rather than 403: ids of other users' accounts do not leak.
    if (!mayActFor(caller, userId)) throw noSuchUser();
  };

  return createServiceApp(deps.appOptions)
    .openapi(register, async (c) => {
      try {
        return c.json(await store.register(c.req.valid('json')), 201);
      } catch (error) {
        if (error instanceof DomainError) throw new HttpProblem('conflict', { detail: 'an account with this email exists', cause: error });
        throw error;
      }
    })
    .openapi(verify, async (c) => {
      const { email, password } = c.req.valid('json');
      const user = await store.verify(email, password);
      if (!user) throw new HttpProblem('unauthorized', { detail: 'wrong email or password' });
      return c.json(user, 200);
    })
    .openapi(getUser, async (c) => {
      const { userId } = c.req.valid('param');
      mayRead(c.var.caller, userId);
      const user = await store.get(userId);
      if (!user) throw noSuchUser();
      return c.json(user, 200);
    })
    .openapi(updateUser, async (c) => {
      const { userId } = c.req.valid('param');
      mayRead(c.var.caller, userId);
      const user = await store.rename(userId, c.req.valid('json').name);
      if (!user) throw noSuchUser();
      return c.json(user, 200);
    })
    .openapi(getAccess, async (c) => {
      const { userId } = c.req.valid('param');
      const user = await store.get(userId);
      if (!user) throw noSuchUser();
      return c.json({ userId: user.id, roles: user.roles, active: user.active, email: user.email }, 200);
    })
    .openapi(deactivate, async (c) => {
      const { userId } = c.req.valid('param');
      notSelf(c.var.caller.userId, userId);
      const user = await store.deactivate(userId);
      if (!user) throw noSuchUser();
      return c.json(user, 200);
    })
    .openapi(setRoles, async (c) => {
      const { userId } = c.req.valid('param');
      const { roles } = c.req.valid('json');
      notSelf(c.var.caller.userId, userId);
      const user = await store.setRoles(userId, roles);
      if (!user) throw noSuchUser();
      return c.json(user, 200);
    });
}

export type UsersApp = ReturnType<typeof createUsersApp>;
