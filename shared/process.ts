// How every process of sagashop starts and stops (the gateway and each service):
// parse and check its configuration, open the connections its entry point asks
// for (each registers its readiness check and its close), serve its Hono app,
// run its Temporal worker, watch its event loop for stalls (./stall-watchdog.ts,
// shown on /metrics), log one 'listening' line, and on SIGINT/SIGTERM stop
// in reverse order: HTTP first, then the worker, then the connections, and last
// the tracing the preload started (./telemetry/preload.ts), if configured.
// A start-up error ends the process with exit code 1 and a readable message.
import { serve } from '@hono/node-server';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { Db } from 'mongodb';
import type { z } from 'zod';
import {
  parseEnv,
  type CommonConfig,
  type HttpConfig,
  type MongoConfig,
  type RedisConfig,
  type TemporalConfig,
  type WorkerConfig,
} from './config.js';
import type { HealthChecks } from './http/health.js';
import type { ServiceAppOptions } from './http/service-app.js';
import { createLogger, type Logger } from './logger.js';
import { connectMongo, pingMongo, serviceDb } from './mongo.js';
import { connectRedis, pingRedis, type Redis } from './redis.js';
import { startStallWatchdog, type StallWatchdog } from './stall-watchdog.js';
import { tracing as preloadedTracing } from './telemetry/preload.js';
import type { Tracing } from './telemetry/tracing.js';
import { connectTemporalClient, connectWorkerConnection, temporalSettings } from './temporal/connection.js';
import { installWorkerRuntime } from './temporal/runtime.js';
import { createServiceWorker, type ServiceWorkerOptions } from './temporal/worker.js';

type Stop = () => Promise<void> | void;

export interface ProcessContext<C> {
  name: string;
  config: C;
  /** The raw environment, for settings with open-ended names (TEMPORAL_GRPC_META_*). */
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Set when the process traces (OTEL_EXPORTER_OTLP_ENDPOINT, see shared/telemetry/switch.ts). */
  tracing?: Tracing;
  /** Readiness checks of this process; each connection opened below adds its own. */
  checks: HealthChecks;
  /** Measures how long the event loop is blocked; each app shows it on /metrics. */
  watchdog: StallWatchdog;
  onStop(stop: Stop): void;
}

export interface Started {
  app: { fetch: (request: Request) => Response | Promise<Response> };
  /** The process's Temporal worker, run until the process stops. */
  worker?: Worker;
}

export interface ProcessDefinition<C extends CommonConfig> {
  name: string;
  env: z.ZodType<C>;
  /** Where the HTTP server listens; PORT and HOST unless the process names its own variables. */
  listenOn?: (config: C) => HttpConfig;
  start(ctx: ProcessContext<C>): Promise<Started>;
}

const httpSettingsOf = (config: unknown): HttpConfig => {
  const { PORT, HOST } = config as Partial<HttpConfig>;
  if (PORT === undefined || HOST === undefined) throw new Error('a process without PORT and HOST must say where it listens (listenOn)');
  return { PORT, HOST };
};

// Instrumentations must be in place before the entry point's imports load the
// drivers; a process started without the preload would trace only its Temporal calls.
const preloadedByFlag = () => [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) => arg.includes('telemetry/preload'));

export function runProcess<C extends CommonConfig>(
  definition: ProcessDefinition<C>,
  tracing: Tracing | undefined = preloadedTracing,
): Promise<void> {
  const logger = createLogger(definition.name, undefined, { traceContext: tracing?.logContext });
  // First in, so it runs last: spans of the worker's final tasks are exported too.
  const stoppers: Stop[] = tracing ? [() => tracing.shutdown()] : [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const stop of stoppers.reverse()) {
      try {
        await stop();
      } catch (error) {
        logger.warn({ err: error }, 'error while stopping');
      }
    }
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  const start = async () => {
    const config = parseEnv(definition.env);
    if (tracing && !preloadedByFlag())
      logger.warn(
        'tracing started after the drivers loaded: HTTP, MongoDB and Redis calls are not traced; start the process with --import <dist>/shared/telemetry/preload.js',
      );
    const ctx: ProcessContext<C> = {
      name: definition.name,
      config,
      env: process.env,
      logger,
      ...(tracing ? { tracing } : {}),
      checks: {},
      watchdog: startStallWatchdog(logger),
      onStop: (stop) => stoppers.push(stop),
    };
    ctx.onStop(() => ctx.watchdog.stop());
    const { app, worker } = await definition.start(ctx);
    if (worker) runWorker(ctx, worker);
    const { PORT, HOST } = (definition.listenOn ?? httpSettingsOf)(config);
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: PORT, hostname: HOST }, () => resolve(s));
    });
    ctx.onStop(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : PORT;
    // The launcher reads this line to learn the port when PORT=0.
    logger.info({ port, url: `http://${HOST}:${port}`, taskQueue: worker?.options.taskQueue }, 'listening');
  };
  return start().catch(async (error: unknown) => {
    logger.fatal({ err: error }, error instanceof Error ? error.message : 'start-up failed');
    await stopAll(1);
  });
}

function runWorker(ctx: ProcessContext<unknown>, worker: Worker): void {
  const running = worker.run();
  ctx.checks.worker = async () => {
    if (worker.getState() !== 'RUNNING') throw new Error(`worker is ${worker.getState()}`);
  };
  ctx.onStop(async () => {
    // The SDK stops its workers on SIGINT/SIGTERM by itself; shut down only if that has not begun.
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  });
  running.catch((error: unknown) => {
    ctx.logger.fatal({ err: error }, 'worker stopped');
    process.kill(process.pid, 'SIGTERM');
  });
}

/** The options every service app starts from (shared/http/service-app.ts). */
export function serviceAppOptions(ctx: ProcessContext<CommonConfig>): ServiceAppOptions {
  return {
    service: ctx.name,
    logger: ctx.logger,
    serviceTokenSecret: ctx.config.SERVICE_TOKEN_SECRET,
    checks: ctx.checks,
    watchdog: ctx.watchdog,
  };
}

/** The service's own database (named after the service); closed on stop, checked by readiness. */
export async function openDatabase(ctx: ProcessContext<MongoConfig>): Promise<Db> {
  const client = await connectMongo(ctx.config.MONGO_URL);
  ctx.onStop(() => client.close());
  const db = serviceDb(client, ctx.name, ctx.config.MONGO_DB_PREFIX);
  ctx.checks.mongo = () => pingMongo(db);
  return db;
}

export function openRedis(ctx: ProcessContext<RedisConfig>): Redis {
  const redis = connectRedis(ctx.config.REDIS_URL, ctx.config.REDIS_KEY_PREFIX, { commandTimeoutMs: ctx.config.REDIS_COMMAND_TIMEOUT_MS });
  // Without a listener ioredis prints each connection error as a raw "[ioredis] Unhandled error
  // event" line into the process's JSON log. Commands fail on their own (each use has a policy);
  // this only says, in the log's format, why.
  redis.on('error', (error: Error) => ctx.logger.warn({ err: error }, 'Redis connection error; commands fail fast until it reconnects'));
  ctx.onStop(async () => {
    await redis.quit().catch(() => undefined);
  });
  ctx.checks.redis = () => pingRedis(redis);
  return redis;
}

export async function openTemporalClient(ctx: ProcessContext<TemporalConfig>): Promise<Client> {
  const client = await connectTemporalClient({ settings: temporalSettings(ctx.env), ...(ctx.tracing ? { tracing: ctx.tracing } : {}) });
  ctx.onStop(() => client.connection.close());
  return client;
}

/**
 * The service's worker on its own task queue; run by runProcess once returned
 * from start(). The SDK runtime (its Prometheus endpoint on WORKER_METRICS_PORT,
 * its logs through pino) is installed first, as it must precede any connection.
 */
export async function openWorker(
  ctx: ProcessContext<TemporalConfig & WorkerConfig & HttpConfig>,
  spec: Pick<ServiceWorkerOptions, 'taskQueue' | 'activities' | 'workflows'>,
): Promise<Worker> {
  const settings = temporalSettings(ctx.env);
  const metricsAddress = `${ctx.config.HOST}:${ctx.config.WORKER_METRICS_PORT}`;
  installWorkerRuntime({ service: ctx.name, logger: ctx.logger, metricsAddress });
  // The launcher reads this line to print where each worker's metrics are.
  ctx.logger.info({ url: `http://${metricsAddress}/metrics` }, 'worker metrics');
  const connection = await connectWorkerConnection(settings);
  // Registered first, so it closes after the worker has stopped.
  ctx.onStop(() => connection.close());
  const cacheSize = ctx.config.WORKFLOW_CACHE_SIZE;
  return createServiceWorker({
    connection,
    namespace: settings.namespace,
    ...spec,
    ...(ctx.tracing ? { tracing: ctx.tracing } : {}),
    options: cacheSize === undefined ? {} : { maxCachedWorkflows: cacheSize },
  });
}
