// Health (liveness and an aggregated readiness over Redis, Temporal and every
// service), Prometheus metrics, the OpenAPI document and the interactive docs.
import { swaggerUI } from '@hono/swagger-ui';
import { SERVICE_NAMES } from '../../shared/domain/vocabulary.js';
import { installHealthRoutes, type HealthChecks } from '../../shared/http/health.js';
import type { createHttpMetrics } from '../../shared/http/metrics.js';
import { installMetricsRoute } from '../../shared/http/metrics.js';
import { pingRedis } from '../../shared/redis.js';
import type { GatewayApp, GatewayDeps } from '../context.js';

export function installOperationRoutes(app: GatewayApp, deps: GatewayDeps, metrics: ReturnType<typeof createHttpMetrics>): void {
  const checks: HealthChecks = {
    redis: () => pingRedis(deps.redis),
    temporal: () => deps.temporal.workflowService.getSystemInfo({}),
  };
  for (const name of SERVICE_NAMES) {
    checks[name] = async () => {
      const res = await fetch(new URL('/health/ready', deps.services[name].baseUrl), { signal: AbortSignal.timeout(1_500) });
      // Read the answer to its end under the same budget: a service that sends its
      // headers and then stalls is not ready, and its connection must not stay open.
      await res.text();
      if (!res.ok) throw new Error(`${name} answered ${res.status}`);
    };
  }
  installHealthRoutes(app, 'gateway', checks);
  installMetricsRoute(app, metrics.registry);
  app.doc('/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: 'sagashop API',
      version: '1.0.0',
      description: 'The public API of sagashop. Every order is a Temporal saga (workflow id `order-<orderId>`). Errors are application/problem+json.',
    },
    servers: [{ url: '/' }],
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  app.get('/docs', swaggerUI({ url: '/openapi.json' }));
}
