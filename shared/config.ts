import { z } from 'zod';
import type { Duration } from './domain/vocabulary.js';

/** A configuration value was missing or malformed; the message names each variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses environment variables with a zod schema; a bad value throws a ConfigError naming the variable. */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) {
    refuseDevSecrets(result.data);
    return result.data;
  }
  const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}

/** Marks a default secret that only exists so `npm start` works out of the box. */
export const DEV_SECRET_PREFIX = 'dev-only-';

/** Whether a HOST is reachable from this machine only. */
export const isLoopback = (host: string) =>
  host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

// The dev secrets are printed in the README: a production process, or one that
// anything beyond this machine can reach (a non-loopback HOST), must never run with them.
function refuseDevSecrets(config: unknown): void {
  if (typeof config !== 'object' || config === null) return;
  const values = config as Record<string, unknown>;
  const host = typeof values.HOST === 'string' ? values.HOST : undefined;
  const why =
    values.NODE_ENV === 'production'
      ? 'must be set to a real secret when NODE_ENV=production'
      : host !== undefined && !isLoopback(host)
        ? `the development default works only on a loopback HOST (HOST=${host}); set a real secret`
        : undefined;
  if (!why) return;
  const defaults = Object.entries(values).filter(
    ([key, value]) => key.endsWith('_SECRET') && typeof value === 'string' && value.startsWith(DEV_SECRET_PREFIX),
  );
  if (defaults.length) throw new ConfigError(`invalid configuration:\n${defaults.map(([key]) => `  ${key}: ${why}`).join('\n')}`);
}

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
export const durationMs = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * A Temporal duration a workflow's settings take: milliseconds or a string such as
 * '24h', '7 days', '90s'. Read from the environment by whoever starts the workflow.
 */
export const temporalDuration = (fallback: string) =>
  z
    .string()
    .regex(/^\d+(?:\.\d+)?\s*(?:ms|milliseconds?|seconds?|minutes?|hours?|days?|[smhd])?$/, 'must be a duration such as 90s, 24h or 7 days')
    .default(fallback)
    // Temporal reads a bare number string as milliseconds only when it is a number.
    .transform((value): Duration => (/^\d+$/.test(value) ? Number(value) : value.replace(/\s+/g, ' ')));

/** Settings every process shares. */
export const commonEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SERVICE_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').default('dev-only-service-token-secret-change-me'),
});

/** Where a process's HTTP server listens; PORT=0 takes a free port (the launcher reads it from the log). */
export const httpEnv = z.object({ PORT: port(0), HOST: z.string().default('127.0.0.1') });

/**
 * Where Temporal is. Resolved by shared/temporal/connection.ts with the SDK's
 * envconfig conventions: TEMPORAL_ADDRESS (localhost:7233), TEMPORAL_NAMESPACE
 * (default), TEMPORAL_API_KEY, TEMPORAL_TLS, TEMPORAL_TLS_CLIENT_CERT_PATH|_DATA,
 * TEMPORAL_TLS_CLIENT_KEY_PATH|_DATA, TEMPORAL_TLS_SERVER_CA_CERT_PATH|_DATA,
 * TEMPORAL_TLS_SERVER_NAME, TEMPORAL_GRPC_META_<HEADER>, over the profile
 * TEMPORAL_PROFILE of the file TEMPORAL_CONFIG_FILE. Only what has a form to
 * check is checked here; an empty value counts as unset.
 */
export const temporalEnv = z.object({
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().optional(),
  TEMPORAL_TLS: z.enum(['true', 'false', '1', '0', '']).optional(),
});

export const workerEnv = z.object({
  /**
   * How many workflow executions a worker keeps in memory; 0 replays every workflow task (a
   * determinism check). Every saga waiting for its parcel stays cached until evicted, about 0.2
   * MiB each (issue 21's bench), and the SDK's own default (about 2,300 per worker, from the
   * heap limit) assumes one worker per process: the one-process shop has four hosting workers.
   * An evicted execution is replayed from its history at its next task.
   */
  WORKFLOW_CACHE_SIZE: z.coerce.number().int().min(0).default(250),
  /** Where the worker's SDK runtime serves its Prometheus metrics (GET /metrics), on HOST; its own port, apart from the app's /metrics. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).default(9464),
});

export const mongoEnv = z.object({
  MONGO_URL: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL')
    .default('mongodb://127.0.0.1:27017'),
  /** Prefix for each service's database name, so several stacks (or test runs) can share one server. */
  MONGO_DB_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_]*$/, 'letters, digits and _ only')
    .default(''),
});

/** How long one Redis command may take; past it each use follows its policy (docs/api.md, "When Redis is down or stalls"). */
export const redisCommandTimeout = (fallback: number) => z.coerce.number().int().min(10).max(10_000).default(fallback);

export const redisEnv = z.object({
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
  /** Prefix for every Redis key, so several stacks (or test runs) can share one server. */
  REDIS_KEY_PREFIX: z.string().default(''),
  REDIS_COMMAND_TIMEOUT_MS: redisCommandTimeout(250),
});

export type CommonConfig = z.infer<typeof commonEnv>;
export type HttpConfig = z.infer<typeof httpEnv>;
export type TemporalConfig = z.infer<typeof temporalEnv>;
export type WorkerConfig = z.infer<typeof workerEnv>;
export type MongoConfig = z.infer<typeof mongoEnv>;
export type RedisConfig = z.infer<typeof redisEnv>;

/** `npm start` seeds the demo shop (shared/demo-data.ts): each service its own slice of it. */
export const seedEnv = z.object({ SEED_DEMO: z.enum(['true', 'false']).default('false') });

/** The environment of a service process: HTTP, plus whatever it connects to. */
export const serviceEnv = commonEnv.extend(httpEnv.shape);
/** A service with a worker on its task queue and a database of its own. */
export const workerServiceEnv = serviceEnv.extend(temporalEnv.shape).extend(workerEnv.shape).extend(mongoEnv.shape);
