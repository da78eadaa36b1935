// Temporal's OpenTelemetry interceptors, wired by hand rather than through the
// (experimental) plugin because our workers mostly load pre-built bundles: the
// client interceptor starts a span around every start/update/signal/query and
// puts its context in the headers; the workflow interceptors (bundled into
// dist/workflows/index.traced.bundle.js, see scripts/build-workflow-bundles.ts)
// continue it inside the sandbox and hand their spans to the `exporter` sink;
// the activity interceptors continue it around each activity, local ones too.
// Imported only by processes that trace.
import { createRequire } from 'node:module';
import { createTraceState, type SpanContext } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ClientInterceptors } from '@temporalio/client';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  type OpenTelemetryWorkflowExporter,
  type SerializableSpan,
} from '@temporalio/interceptors-opentelemetry';
import type { InjectedSink, WorkerInterceptors, WorkerOptions } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import type { Tracing } from './tracing.js';

/** The module the bundler adds to a host's workflows (`interceptors()`: inbound, outbound and internals). */
export const workflowInterceptorsModule = createRequire(import.meta.url).resolve(
  '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors',
);

export const clientInterceptors = (): ClientInterceptors => ({ workflow: [new OpenTelemetryWorkflowClientInterceptor()] });

/**
 * The workflow interceptors hand their spans to the `exporter` sink in a
 * serializable form of OpenTelemetry 1.x (`instrumentationLibrary`,
 * `parentSpanId`), which the 2.x OTLP serializer cannot read. This sink turns
 * each into a 2.x ReadableSpan of this process's resource — the package's own
 * makeWorkflowExporter does the same for 1.x only.
 */
export function workflowSpanSink(tracing: Tracing): InjectedSink<OpenTelemetryWorkflowExporter> {
  return {
    export: {
      fn: (info, spans) => {
        for (const span of spans) tracing.spanProcessor.onEnd(toReadableSpan(span, info, tracing.resource));
      },
    },
  };
}

function toReadableSpan(span: SerializableSpan, info: WorkflowInfo, resource: Resource): ReadableSpan {
  const { traceState, ...context } = span.spanContext;
  const spanContext: SpanContext = { ...context, ...(traceState ? { traceState: createTraceState(traceState) } : {}) };
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => spanContext,
    ...(span.parentSpanId
      ? { parentSpanContext: { traceId: context.traceId, spanId: span.parentSpanId, traceFlags: context.traceFlags } }
      : {}),
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status,
    // Which workflow the span belongs to, as the interceptors' own exporter records it.
    attributes: {
      ...span.attributes,
      workflowId: info.workflowId,
      runId: info.runId,
      workflowType: info.workflowType,
      taskQueue: info.taskQueue,
      namespace: info.namespace,
    },
    links: span.links,
    events: span.events,
    duration: span.duration,
    ended: span.ended,
    resource,
    instrumentationScope: span.instrumentationLibrary,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/** What a traced worker adds to its options: activity interceptors and the sink that receives workflow spans. */
export function workerTracingOptions(tracing: Tracing): { interceptors: WorkerInterceptors; sinks: NonNullable<WorkerOptions['sinks']> } {
  return {
    interceptors: {
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: { exporter: workflowSpanSink(tracing) },
  };
}
