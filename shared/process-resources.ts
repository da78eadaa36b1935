// The connections a part of a process opens (./process.ts): its database, Redis,
// the Temporal client, its worker. Each registers its readiness check and its
// close. A process of several parts (the one-process shop) shares what can be
// shared: one Temporal runtime and NativeConnection for every worker, and one
// MongoDB client per URL (each part still reaches only its own database). A
// process of one part opens its own, as it always did.
//
// The gateway's client keeps a connection of its own in either case, though on
// the workers' NativeConnection it could start sagas eagerly: a NativeConnection
// retries an unreachable Temporal about ten times (9.5 s here) whatever deadline
// or abort signal the call has (SDK 1.24: `retry: true` in every request, abort
// not supported), which would break the gateway's downstream budget
// (measured with test/gateway/temporal-down.test.ts run on the one-process layout).
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Db, MongoClient } from 'mongodb';
import type { CommonConfig, HttpConfig, MongoConfig, RedisConfig, TemporalConfig, WorkerConfig } from './config.js';
import type { ServiceAppOptions } from './http/service-app.js';
import type { Logger } from './logger.js';
import { connectMongo, pingMongo, serviceDb } from './mongo.js';
import type { ProcessContext } from './process.js';
import { connectRedis, pingRedis, type Redis } from './redis.js';
import { connectTemporalClient, connectWorkerConnection, temporalSettings, type TemporalSettings } from './temporal/connection.js';
import { installWorkerRuntime } from './temporal/runtime.js';
import { createServiceWorker, type ServiceWorkerOptions } from './temporal/worker.js';

type Stop = () => Promise<void> | void;

export interface SharedResourcesOptions {
  /** The Node process's name: the `service` tag of the Temporal runtime's metrics when parts share it. */
  process: string;
  logger: Logger;
  shared: boolean;
}

/** What the parts of one Node process share; in a process of one part, only that part uses it. */
export class SharedResources {
  private readonly mongoClients = new Map<string, Promise<MongoClient>>();
  private temporal?: Promise<NativeConnection>;

  constructor(private readonly options: SharedResourcesOptions) {}

  mongo(url: string, onStop: (stop: Stop) => void): Promise<MongoClient> {
    const known = this.options.shared ? this.mongoClients.get(url) : undefined;
    if (known) return known;
    const opening = connectMongo(url).then((client) => (onStop(() => client.close()), client));
    if (this.options.shared) this.mongoClients.set(url, opening);
    return opening;
  }

  /**
   * The NativeConnection workers poll through, after the SDK runtime (its Prometheus endpoint,
   * its logs through pino), which must be installed once per process before any connection.
   */
  workerConnection(ctx: ProcessContext<TemporalConfig & WorkerConfig & HttpConfig>, settings: TemporalSettings): Promise<NativeConnection> {
    this.temporal ??= this.connectWorkers(ctx, settings);
    return this.temporal;
  }

  private async connectWorkers(
    ctx: ProcessContext<TemporalConfig & WorkerConfig & HttpConfig>,
    settings: TemporalSettings,
  ): Promise<NativeConnection> {
    // Shared, the runtime speaks for the whole process, not for the part that happened to open it.
    const [service, logger] = this.options.shared ? [this.options.process, this.options.logger] : [ctx.name, ctx.logger];
    const metricsAddress = `${ctx.config.HOST}:${ctx.config.WORKER_METRICS_PORT}`;
    installWorkerRuntime({ service, logger, metricsAddress });
    // The launcher reads this line to print where each worker's metrics are.
    logger.info({ url: `http://${metricsAddress}/metrics` }, 'worker metrics');
    const connection = await connectWorkerConnection(settings);
    // Every part's stops go to the process's one list: registered before any worker's stop,
    // so it closes after every worker has stopped.
    ctx.onStop(() => connection.close());
    return connection;
  }
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
  const client = await ctx.resources.mongo(ctx.config.MONGO_URL, ctx.onStop);
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

/** The gateway's Temporal client, on a connection of its own (why: the top of this file). */
export async function openTemporalClient(ctx: ProcessContext<TemporalConfig>): Promise<Client> {
  const client = await connectTemporalClient({ settings: temporalSettings(ctx.env), ...(ctx.tracing ? { tracing: ctx.tracing } : {}) });
  ctx.onStop(() => client.connection.close());
  return client;
}

/** The service's worker on its own task queue; run by the process once returned from start(). */
export async function openWorker(
  ctx: ProcessContext<TemporalConfig & WorkerConfig & HttpConfig>,
  spec: Pick<ServiceWorkerOptions, 'taskQueue' | 'activities' | 'hostsWorkflows'>,
): Promise<Worker> {
  const settings = temporalSettings(ctx.env);
  const connection = await ctx.resources.workerConnection(ctx, settings);
  return createServiceWorker({
    connection,
    namespace: settings.namespace,
    ...spec,
    ...(ctx.tracing ? { tracing: ctx.tracing } : {}),
    options: { maxCachedWorkflows: ctx.config.WORKFLOW_CACHE_SIZE },
  });
}
