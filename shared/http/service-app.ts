// The Hono app every service starts from: request ids, body limit, service-token
// auth, problem+json errors, health, metrics and its OpenAPI document.
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import type { Logger } from '../logger.js';
import { HttpProblem, problem } from '../problem.js';
import { verifyServiceToken, type Caller } from '../service-auth.js';
import { installHealthRoutes, type HealthChecks } from './health.js';
import { createHttpMetrics, installMetricsRoute } from './metrics.js';
import { installProblemHandlers, problemResponse, validationHook } from './problem-handlers.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export type ServiceEnv = { Variables: { caller: Caller; requestId: string } };
export type ServiceApp = OpenAPIHono<ServiceEnv>;

export interface ServiceAppOptions {
  service: string;
  logger: Logger;
  /** Secret shared with the gateway; requests without a valid service token get 401. */
  serviceTokenSecret: string;
  /** Readiness checks (e.g. the service's database). */
  checks: HealthChecks;
}

const OPEN_PATHS = new Set(['/health', '/health/live', '/health/ready', '/openapi.json', '/metrics']);

export function createServiceApp(options: ServiceAppOptions): ServiceApp {
  const { service, logger, serviceTokenSecret, checks } = options;
  const app = new OpenAPIHono<ServiceEnv>({ defaultHook: validationHook });
  const metrics = createHttpMetrics(service);

  app.use('*', requestId({ headerName: 'X-Request-Id' }));
  app.use('*', metrics.middleware);
  app.use('*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => problemResponse(c, tooLarge()) }));
  app.use('*', async (c, next) => {
    if (OPEN_PATHS.has(c.req.path)) return next();
    const header = c.req.header('Authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token) throw problem.unauthorized('a service token is required');
    try {
      c.set('caller', await verifyServiceToken(serviceTokenSecret, token));
    } catch {
      throw problem.unauthorized('the service token is not valid');
    }
    return next();
  });

  installProblemHandlers(app, logger);
  installHealthRoutes(app, service, checks);
  installMetricsRoute(app, metrics.registry);
  app.doc('/openapi.json', { openapi: '3.0.3', info: { title: `sagashop ${service} service`, version: '1.0.0' } });
  return app;
}

export const tooLarge = () => new HttpProblem(413, 'too-large', `the request body is larger than ${MAX_BODY_BYTES} bytes`);
