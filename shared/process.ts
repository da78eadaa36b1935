// How every process of sagashop starts and stops (the gateway and each service):
// parse and check its configuration, open the connections its entry point asks
// for (each registers its readiness check and its close), serve its Hono app,
// run its Temporal worker, log one 'listening' line, and on SIGINT/SIGTERM stop
// in reverse order: HTTP first, then the worker, then the connections.
// A start-up error ends the process with exit code 1 and a readable message.
import { serve } from '@hono/node-server';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { Db } from 'mongodb';
import type { z } from 'zod';
import { parseEnv, type CommonConfig, type HttpConfig, type MongoConfig, type RedisConfig, type TemporalConfig, type WorkerConfig } from './config.js';
import type { HealthChecks } from './http/health.js';
import type { ServiceAppOptions } from './http/service-app.js';
import { createLogger, type Logger } from './logger.js';
import { connectMongo, pingMongo, serviceDb } from './mongo.js';
import { connectRedis, pingRedis, type Redis } from './redis.js';
import { connectTemporalClient, connectWorkerConnection } from './temporal/connection.js';
import { createServiceWorker, type ServiceWorkerOptions } from './temporal/worker.js';

type Stop = () => Promise<void> | void;

export interface ProcessContext<C> {
  name: string;
  config: C;
  logger: Logger;
  /** Readiness checks of this process; each connection opened below adds its own. */
  checks: HealthChecks;
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

export function runProcess<C extends CommonConfig>(definition: ProcessDefinition<C>): Promise<void> {
  const logger = createLogger(definition.name);
  const stoppers: Stop[] = [];
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
    const ctx: ProcessContext<C> = { name: definition.name, config, logger, checks: {}, onStop: (stop) => stoppers.push(stop) };
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
  return { service: ctx.name, logger: ctx.logger, serviceTokenSecret: ctx.config.SERVICE_TOKEN_SECRET, checks: ctx.checks };
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
  ctx.onStop(async () => {
    await redis.quit().catch(() => undefined);
  });
  ctx.checks.redis = () => pingRedis(redis);
  return redis;
}

export async function openTemporalClient(ctx: ProcessContext<TemporalConfig>): Promise<Client> {
  const client = await connectTemporalClient({ address: ctx.config.TEMPORAL_ADDRESS, namespace: ctx.config.TEMPORAL_NAMESPACE });
  ctx.onStop(() => client.connection.close());
  return client;
}

/** The service's worker on its own task queue; run by runProcess once returned from start(). */
export async function openWorker(ctx: ProcessContext<TemporalConfig & WorkerConfig>, spec: Pick<ServiceWorkerOptions, 'taskQueue' | 'activities' | 'workflows'>): Promise<Worker> {
  const connection = await connectWorkerConnection({ address: ctx.config.TEMPORAL_ADDRESS, namespace: ctx.config.TEMPORAL_NAMESPACE });
  // Registered first, so it closes after the worker has stopped.
  ctx.onStop(() => connection.close());
  const cacheSize = ctx.config.WORKFLOW_CACHE_SIZE;
  return createServiceWorker({ connection, namespace: ctx.config.TEMPORAL_NAMESPACE, ...spec, options: cacheSize === undefined ? {} : { maxCachedWorkflows: cacheSize } });
}
