// Users' HTTP API: registration, credential checks for the gateway's login, profiles.
import { createRoute } from '@hono/zod-openapi';
import { DomainError } from '../../shared/errors.js';
import { assertMayActFor } from '../../shared/http/caller.js';
import { body, json } from '../../shared/http/openapi.js';
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '../../shared/http/service-app.js';
import { problem } from '../../shared/problem.js';
import { CredentialsBody, ProfileBody, RegisterBody, User, UserIdParam } from './schemas.js';
import type { UsersStore } from './store.js';

const register = createRoute({
  method: 'post', path: '/users', tags: ['users'], request: body(RegisterBody),
  responses: { 201: json(User, 'the new account'), 400: { description: 'invalid input' }, 409: { description: 'email taken' } },
});
const verify = createRoute({
  method: 'post', path: '/credentials/verify', tags: ['users'], request: body(CredentialsBody),
  responses: { 200: json(User, 'the account'), 401: { description: 'wrong email or password' } },
});
const getUser = createRoute({
  method: 'get', path: '/users/{userId}', tags: ['users'], request: { params: UserIdParam },
  responses: { 200: json(User, 'the profile'), 404: { description: 'no such user (or not yours)' } },
});
const updateUser = createRoute({
  method: 'patch', path: '/users/{userId}', tags: ['users'], request: { params: UserIdParam, ...body(ProfileBody) },
  responses: { 200: json(User, 'the profile'), 404: { description: 'no such user (or not yours)' } },
});

export function createUsersApp(deps: { store: UsersStore; appOptions: ServiceAppOptions }): ServiceApp {
  const { store } = deps;
  const app = createServiceApp(deps.appOptions);

  app.openapi(register, async (c) => {
    try {
      return c.json(await store.register(c.req.valid('json')), 201);
    } catch (error) {
      if (error instanceof DomainError) throw problem.conflict('an account with this email exists');
      throw error;
    }
  });
  app.openapi(verify, async (c) => {
    const { email, password } = c.req.valid('json');
    const user = await store.verify(email, password);
    if (!user) throw problem.unauthorized('wrong email or password');
    return c.json(user, 200);
  });
  app.openapi(getUser, async (c) => {
    const { userId } = c.req.valid('param');
    assertMayActFor(c, userId);
    const user = await store.get(userId);
    if (!user) throw problem.notFound('no such user');
    return c.json(user, 200);
  });
  app.openapi(updateUser, async (c) => {
    const { userId } = c.req.valid('param');
    assertMayActFor(c, userId);
    const user = await store.rename(userId, c.req.valid('json').name);
    if (!user) throw problem.notFound('no such user');
    return c.json(user, 200);
  });
  return app;
}
