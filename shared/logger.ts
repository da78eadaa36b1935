import { pino, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  /**
   * The trace and span ids of the active OpenTelemetry span, for a line's
   * `trace_id`/`span_id` (OpenTelemetry's log field names); given only when
   * the process traces, so a process that does not pays nothing per line.
   */
  traceContext?: () => Record<string, string> | undefined;
}

/** Structured JSON logs, one logger per process, tagged with the service name. */
export function createLogger(
  service: string,
  level: string = process.env.LOG_LEVEL ?? 'info',
  { traceContext }: LoggerOptions = {},
): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(traceContext ? { mixin: () => traceContext() ?? {} } : {}),
  });
}
