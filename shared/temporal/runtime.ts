// The SDK runtime of a worker process, installed once before its NativeConnection:
// core's own Prometheus exporter (task slots, pollers, schedule-to-start and
// execution latencies, sticky cache, and the workflows' own metrics such as
// sagashop_order_outcomes) on a port of its own, and the SDK's log lines
// (worker, workflow and activity logs) through the process's pino logger.
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../logger.js';

export interface WorkerRuntimeOptions {
  service: string;
  logger: Logger;
  /** host:port of the Prometheus endpoint (GET /metrics). */
  metricsAddress: string;
}

/**
 * Custom workflow histograms get core's generic buckets unless named here; the
 * saga's latency spans a fraction of a second (no approval) to a day (approval timeout).
 */
const SAGA_SECONDS_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3_600, 86_400];

const pinoLevel = (level: LogLevel) => level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';

export function installWorkerRuntime({ service, logger, metricsAddress }: WorkerRuntimeOptions): Runtime {
  return Runtime.install({
    logger: new DefaultLogger('TRACE', ({ level, message, meta }) => logger[pinoLevel(level)](meta ?? {}, message)),
    telemetryOptions: {
      metrics: {
        globalTags: { service },
        prometheus: {
          bindAddress: metricsAddress,
          // Seconds, as Prometheus conventions and the HTTP histograms have it.
          useSecondsForDurations: true,
          histogramBucketOverrides: { sagashop_order_saga_seconds: SAGA_SECONDS_BUCKETS },
        },
      },
    },
  });
}
