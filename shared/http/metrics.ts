// Prometheus metrics of a process's HTTP app, from @hono/prometheus: request
// counts (http_requests_total) and latencies (http_request_duration_seconds) by
// method, matched route, status and ok, plus Node's default metrics, all on a
// registry of the app's own (tests build several apps in one process), served
// at /metrics; with the process's stall watchdog, its event-loop stall metrics
// too (shared/stall-watchdog.ts). A worker's SDK metrics are on a port of their own
// (shared/temporal/runtime.ts).
import { prometheus } from '@hono/prometheus';
import type { Env, Hono, MiddlewareHandler } from 'hono';
import { Registry } from 'prom-client';
import type { StallWatchdog } from '../stall-watchdog.js';

export interface HttpMetrics {
  registry: Registry;
  middleware: MiddlewareHandler;
}

export function createHttpMetrics(service: string, watchdog?: StallWatchdog): HttpMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  watchdog?.register(registry);
  const { registerMetrics } = prometheus({ registry, collectDefaultMetrics: true });
  return { registry, middleware: registerMetrics };
}

export function installMetricsRoute<E extends Env>(app: Hono<E>, registry: Registry): void {
  app.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType }));
}
