// OpenTelemetry tracing of one process: the Node SDK with the HTTP (incoming
// requests, Hono's server included), undici (fetch), MongoDB and ioredis
// instrumentations, exporting over OTLP as the standard OTEL_* variables say.
// Loaded only when tracing is configured (./switch.ts): a process that does not
// trace never imports this module, so it pays for nothing.
import { register } from 'node:module';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { ConfigError } from '../config.js';

export interface Tracing {
  serviceName: string;
  resource: Resource;
  /** Where every span of the process goes; workflow spans (exported from the sandbox through a sink) are handed to it too. */
  spanProcessor: SpanProcessor;
  /** The active span's ids, for the process's log lines (shared/logger.ts). */
  logContext: () => Record<string, string> | undefined;
  /** Exports what is still buffered; the process calls it last when it stops. */
  shutdown(): Promise<void>;
}

function logContext(): Record<string, string> | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  return context && isSpanContextValid(context) ? { trace_id: context.traceId, span_id: context.spanId } : undefined;
}

export interface TracingOptions {
  serviceName: string;
  /** Where spans go; by default a batch processor over the OTLP exporter the OTEL_* variables describe. */
  spanProcessor?: SpanProcessor;
  /**
   * Register import-in-the-middle's loader hook first (the preload does). Our code
   * and @hono/node-server are ES modules: their `import ... from 'node:http'`
   * never passes through require(), so the require hook alone would not see it.
   * The hook only wraps the modules an instrumentation asks for (the message
   * channel tells the loader thread which), not every module of the process.
   * mongodb and ioredis are CommonJS and are caught by the require hook either way.
   */
  hookEsm?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Scrapes and probes would bury the requests that matter. */
const OPERATIONAL = /^\/(?:metrics|health)(?:\/|\?|$)/;

async function otlpExporter(env: NodeJS.ProcessEnv): Promise<SpanExporter> {
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').trim();
  // Each exporter reads its endpoint, headers, timeout and compression from the OTEL_* variables itself.
  switch (protocol) {
    case 'http/protobuf':
      return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter();
    case 'http/json':
      return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter();
    case 'grpc':
      return new (await import('@opentelemetry/exporter-trace-otlp-grpc')).OTLPTraceExporter();
    default:
      throw new ConfigError(
        `invalid configuration:\n  OTEL_EXPORTER_OTLP_PROTOCOL: must be http/protobuf, http/json or grpc (got ${protocol})`,
      );
  }
}

export async function startTracing({ serviceName, spanProcessor, hookEsm = false, env = process.env }: TracingOptions): Promise<Tracing> {
  let hooksAcknowledged: () => Promise<void> = () => Promise.resolve();
  if (hookEsm) {
    const channel = createAddHookMessageChannel();
    register('import-in-the-middle/hook.mjs', import.meta.url, channel.registerOptions);
    hooksAcknowledged = channel.waitForAllMessagesAcknowledged;
  }
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (envDetector) win over the process's own name.
  const resource = resourceFromAttributes({ 'service.name': serviceName }).merge(detectResources({ detectors: [envDetector] }));
  const processor = spanProcessor ?? new BatchSpanProcessor(await otlpExporter(env));
  const sdk = new NodeSDK({
    resource,
    autoDetectResources: false,
    spanProcessors: [processor],
    // Traces only: metrics are Prometheus (shared/http/metrics.ts, the worker runtime), logs are pino lines.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => OPERATIONAL.test(request.url ?? '') }),
      new UndiciInstrumentation({ ignoreRequestHook: (request) => OPERATIONAL.test(request.path) }),
      new MongoDBInstrumentation(),
      new IORedisInstrumentation(),
    ],
  });
  sdk.start();
  await hooksAcknowledged();
  return { serviceName, resource, spanProcessor: processor, logContext, shutdown: () => sdk.shutdown() };
}
