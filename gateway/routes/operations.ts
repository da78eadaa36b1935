// Health (liveness and an aggregated readiness, gateway/readiness.ts), Prometheus
// metrics, the OpenAPI document and the interactive docs.
import { Counter } from 'prom-client';
import { installHealthRoutes } from '../../shared/http/health.js';
import type { createHttpMetrics } from '../../shared/http/metrics.js';
import { installMetricsRoute } from '../../shared/http/metrics.js';
import type { GatewayApp, GatewayDeps } from '../context.js';
import { installDocs } from '../docs.js';
import { readinessChecks } from '../readiness.js';

export const OPENAPI_PATH = '/openapi.json';

export function installOperationRoutes(app: GatewayApp, deps: GatewayDeps, metrics: ReturnType<typeof createHttpMetrics>): void {
  // /health/ready is open and fans out to every service and task queue: one probe
  // at a time, its result reused for READINESS_CACHE_MS, whoever asks how often.
  const probes = new Counter({
    name: 'gateway_readiness_probes_total',
    help: 'Rounds of backend readiness checks run for /health/ready (answers beyond these were shared or cached)',
    registers: [metrics.registry],
  });
  installHealthRoutes(app, 'gateway', readinessChecks(deps), { cacheMs: deps.config.READINESS_CACHE_MS, onProbe: () => probes.inc() });
  installMetricsRoute(app, metrics.registry);
  app.doc(OPENAPI_PATH, {
    openapi: '3.0.3',
    info: {
      title: 'sagashop API',
      version: '1.0.0',
      description:
        'The public API of sagashop. Every order is a Temporal saga (workflow id `order-<orderId>`). Errors are application/problem+json (RFC 9457).',
    },
    servers: [{ url: '/' }],
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  installDocs(app, OPENAPI_PATH);
}
