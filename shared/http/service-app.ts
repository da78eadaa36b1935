// The Hono app every service starts from: request ids, body limit, service-token
// auth, problem+json errors, health, metrics and its OpenAPI document. A service
// chains its routes onto it (`createServiceApp(...).openapi(route, handler)...`),
// so the app's type carries every route and the gateway's typed client
// (shared/http/service-client.ts) is built from it.
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import type { Caller } from '../auth/caller.js';
import { bearerToken, serviceTokens } from '../auth/jwt.js';
import type { Logger } from '../logger.js';
import { HttpProblem } from '../problem.js';
import type { StallWatchdog } from '../stall-watchdog.js';
import { installHealthRoutes, type HealthChecks } from './health.js';
import { createHttpMetrics, installMetricsRoute } from './metrics.js';
import { installProblemHandlers, problemResponse, validationHook } from './problem-handlers.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export type ServiceEnv = { Variables: { caller: Caller; requestId: string } };

export interface ServiceAppOptions {
  service: string;
  logger: Logger;
  /** Secret shared with the gateway; requests without a valid service token get 401. */
  serviceTokenSecret: string;
  /** Readiness checks (e.g. the service's database). */
  checks: HealthChecks;
  /** Turn failures of the service's own stores into problems (e.g. Redis unavailable: 503). */
  errorMappers?: Array<(error: unknown) => HttpProblem | undefined>;
  /** The process's stall watchdog, whose metrics /metrics shows too. */
  watchdog?: StallWatchdog;
}

const OPEN_PATHS = new Set(['/health', '/health/live', '/health/ready', '/openapi.json', '/metrics']);

export function createServiceApp(options: ServiceAppOptions): OpenAPIHono<ServiceEnv> {
  const { service, logger, serviceTokenSecret, checks } = options;
  const app = new OpenAPIHono<ServiceEnv>({ defaultHook: validationHook });
  const metrics = createHttpMetrics(service, options.watchdog);
  const tokens = serviceTokens(serviceTokenSecret);

  app.use('*', requestId({ headerName: 'X-Request-Id' }));
  app.use('*', metrics.middleware);
  app.use('*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => problemResponse(c, tooLarge()) }));
  app.use('*', async (c, next) => {
    if (OPEN_PATHS.has(c.req.path)) return next();
    const token = bearerToken(c.req.header('Authorization') ?? '');
    if (!token) throw new HttpProblem('unauthorized', { detail: 'a service token is required' });
    try {
      c.set('caller', await tokens.verify(token));
    } catch (error) {
      throw new HttpProblem('unauthorized', { detail: 'the service token is not valid', cause: error });
    }
    return next();
  });

  installProblemHandlers(app, logger, options.errorMappers);
  installHealthRoutes(app, service, checks);
  installMetricsRoute(app, metrics.registry);
  app.doc('/openapi.json', { openapi: '3.0.3', info: { title: `sagashop ${service} service`, version: '1.0.0' } });
  return app;
}

export const tooLarge = () => new HttpProblem('too-large', { detail: `the request body is larger than ${MAX_BODY_BYTES} bytes` });
