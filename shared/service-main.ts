// The process entry every service shares: config, connections, indexes, HTTP
// server, the worker for its own task queue, and a clean stop.
import { serve } from '@hono/node-server';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { commonEnv, mongoEnv, parseEnv, port, redisEnv, type CommonConfig } from './config.js';
import type { ServiceApp, ServiceAppOptions } from './http/service-app.js';
import { runProcess } from './lifecycle.js';
import { createLogger, type Logger } from './logger.js';
import { connectMongo, pingMongo, serviceDb } from './mongo.js';
import { connectRedis, pingRedis, type Redis } from './redis.js';
import { createActivityWorker } from './temporal.js';

export interface ServiceContext<Extra> {
  config: CommonConfig & Extra;
  logger: Logger;
  db: Db;
  redis: Redis;
  /** Ready-made options for createServiceApp: name, logger, token secret, health checks. */
  appOptions: ServiceAppOptions;
}

export interface ServiceDefinition<Extra> {
  name: string;
  /** The task queue whose activities this process runs; omit for HTTP-only services. */
  taskQueue?: string;
  uses: { mongo?: boolean; redis?: boolean };
  /** Extra environment variables of this service. */
  env?: z.ZodType<Extra>;
  build(ctx: ServiceContext<Extra>): Promise<{ app: ServiceApp; activities?: object; close?: () => Promise<void> }>;
}

const serviceEnv = z.object({ PORT: port(0), HOST: z.string().default('127.0.0.1') });

export function startService<Extra extends object = Record<string, never>>(def: ServiceDefinition<Extra>): Promise<void> {
  const logger = createLogger(def.name);
  return runProcess(logger, async (onStop) => {
    const base = parseEnv(commonEnv.and(serviceEnv).and(mongoEnv).and(redisEnv));
    const extra = def.env ? parseEnv(def.env) : ({} as Extra);
    const config = { ...base, ...extra };
    const checks: ServiceAppOptions['checks'] = {};

    let db = undefined as unknown as Db;
    if (def.uses.mongo) {
      const mongo = await connectMongo(base.MONGO_URL);
      onStop(() => mongo.close());
      db = serviceDb(mongo, def.name, base.MONGO_DB_PREFIX);
      checks.mongo = () => pingMongo(db);
    }
    let redis = undefined as unknown as Redis;
    if (def.uses.redis) {
      const client = connectRedis(base.REDIS_URL, base.REDIS_KEY_PREFIX);
      onStop(async () => { await client.quit(); });
      redis = client;
      checks.redis = () => pingRedis(client);
    }

    const appOptions: ServiceAppOptions = { service: def.name, logger, serviceTokenSecret: base.SERVICE_TOKEN_SECRET, checks };
    const built = await def.build({ config, logger, db, redis, appOptions });
    if (built.close) onStop(built.close);

    if (def.taskQueue && built.activities) {
      const { worker, connection } = await createActivityWorker(
        { address: base.TEMPORAL_ADDRESS, namespace: base.TEMPORAL_NAMESPACE },
        def.taskQueue,
        built.activities,
      );
      const running = worker.run();
      onStop(async () => {
        // The SDK stops its workers on SIGINT/SIGTERM by itself; shut down only if that has not begun.
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        await connection.close();
      });
      running.catch((error: unknown) => {
        logger.fatal({ err: error }, 'worker stopped');
        process.kill(process.pid, 'SIGTERM');
      });
    }

    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: built.app.fetch, port: base.PORT, hostname: base.HOST }, () => resolve(s));
    });
    onStop(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const address = server.address();
    const boundPort = typeof address === 'object' && address ? address.port : base.PORT;
    // The launcher reads this line to learn the port when PORT=0.
    logger.info({ port: boundPort, url: `http://${base.HOST}:${boundPort}`, taskQueue: def.taskQueue }, 'listening');
  });
}
