import type { Env, Hono, MiddlewareHandler } from 'hono';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics for one process: Node defaults plus request counts and latencies by route. */
export function createHttpMetrics(service: string): { registry: Registry; middleware: MiddlewareHandler } {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const middleware: MiddlewareHandler = async (c, next) => {
    const end = duration.startTimer();
    await next();
    const labels = { method: c.req.method, route: c.req.routePath || 'unmatched', status: String(c.res.status) };
    end(labels);
    requests.inc(labels);
  };
  return { registry, middleware };
}

export function installMetricsRoute<E extends Env>(app: Hono<E>, registry: Registry): void {
  app.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType }));
}
