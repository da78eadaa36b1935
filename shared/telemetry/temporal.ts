// Temporal's OpenTelemetry interceptors, wired by hand rather than through the
// (experimental) plugin because our workers mostly load pre-built bundles: the
// client interceptor starts a span around every start/update/signal/query and
// puts its context in the headers; the workflow interceptors (bundled into
// dist/workflow-bundles/<host>.traced.js, see scripts/build-workflow-bundles.ts)
// continue it inside the sandbox and hand their spans to the `exporter` sink;
// the activity interceptors continue it around each activity, local ones too.
// Imported only by processes that trace.
import { createRequire } from 'node:module';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ClientInterceptors } from '@temporalio/client';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerInterceptors, WorkerOptions } from '@temporalio/worker';
import type { Tracing } from './tracing.js';

/** The module the bundler adds to a host's workflows (`interceptors()`: inbound, outbound and internals). */
export const workflowInterceptorsModule = createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

export const clientInterceptors = (): ClientInterceptors => ({ workflow: [new OpenTelemetryWorkflowClientInterceptor()] });

type V1Span = ReadableSpan & { instrumentationLibrary?: ReadableSpan['instrumentationScope']; parentSpanId?: string };

/**
 * The interceptors package brings its own OpenTelemetry SDK 1.x: workflow spans
 * reach the sink v1-shaped (instrumentationLibrary, parentSpanId), and the 2.x
 * OTLP serializer fails on them (it reads instrumentationScope.name and
 * parentSpanContext). Rename the two fields before the spans reach our processor.
 */
export function acceptV1Spans(processor: SpanProcessor): SpanProcessor {
  return {
    onStart: () => undefined,
    onEnd: (span) => {
      const v1 = span as V1Span;
      const { traceId, traceFlags } = span.spanContext();
      processor.onEnd({
        ...v1,
        instrumentationScope: v1.instrumentationScope ?? v1.instrumentationLibrary ?? { name: '@temporalio/interceptor-workflow' },
        parentSpanContext: v1.parentSpanContext ?? (v1.parentSpanId ? { traceId, spanId: v1.parentSpanId, traceFlags } : undefined),
      });
    },
    forceFlush: () => processor.forceFlush(),
    shutdown: () => processor.shutdown(),
  };
}

/** What a traced worker adds to its options: activity interceptors and the sink that receives workflow spans. */
export function workerTracingOptions(tracing: Tracing): { interceptors: WorkerInterceptors; sinks: NonNullable<WorkerOptions['sinks']> } {
  return {
    interceptors: {
      activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
    },
    // Typed against the nested 1.x SDK; the shapes it uses (onEnd, attributes) are the same in 2.x.
    sinks: { exporter: makeWorkflowExporter(acceptV1Spans(tracing.spanProcessor) as never, tracing.resource as never) },
  };
}
