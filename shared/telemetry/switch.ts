// Whether this process traces, decided from the standard OpenTelemetry variables
// alone. Kept free of OpenTelemetry imports: the preload reads it in every
// process, and a process that does not trace must not load the SDK at all.
import { basename, dirname } from 'node:path';

/**
 * Tracing is on when an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT
 * or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) and neither OTEL_SDK_DISABLED=true nor
 * OTEL_TRACES_EXPORTER=none turns it off. The OTLP default endpoint
 * (localhost:4318) is deliberately not enough: without a collector every span
 * would be work for nothing, so tracing stays off until one is named.
 */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

/** OTEL_SERVICE_NAME, else the entry point's folder (`services/orders/main.js` → `orders`, `gateway/main.js` → `gateway`). */
export function serviceNameOf(env: NodeJS.ProcessEnv = process.env, entry = process.argv[1] ?? ''): string {
  return env.OTEL_SERVICE_NAME?.trim() || basename(dirname(entry)) || 'sagashop';
}
