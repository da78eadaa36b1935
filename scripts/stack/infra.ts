// The infrastructure of the local stack: a MongoDB-protocol server, Redis and the
// Temporal dev server (with its Web UI). Each honours an explicit URL/address in
// the environment and is otherwise started here, on free ports unless told.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { MongoClient } from 'mongodb';
import { SEARCH_ATTRIBUTE_KEYS } from '../../services/orders/temporal/search-attributes.js';
import { freePort, portAnswers, spawnManaged, waitFor, type Managed, type SuperviseOptions } from './processes.js';
import { withGoRuntimeTuning } from './runtime-tuning.js';
import { tools } from './tools.js';

export interface Service<T> {
  value: T;
  /** Stops what this module started; a no-op for an external server. */
  stop(): Promise<void>;
  managed?: Managed;
  /** Every process behind it when it is more than one (the local Temporal cluster); `managed` is the one clients talk to. */
  processes?: Managed[];
}

const external = <T>(value: T): Service<T> => ({ value, stop: () => Promise.resolve() });

/**
 * A server this module started and found ready. With persistent data it is supervised (restarted
 * on its fixed port and files when it dies); a throw-away one is not, as a restart would come back
 * empty and hide the loss.
 */
function fromManaged<T>(value: T, managed: Managed, opts: InfraOptions): Service<T> {
  if (opts.persistent) managed.supervise(opts.supervision);
  return { value, managed, stop: () => managed.stop() };
}

export interface InfraOptions {
  dataDir: string;
  logDir: string;
  /** Fixed ports (npm start); free ports when omitted (tests). */
  ports?: { mongo?: number; redis?: number; temporal?: number; temporalUi?: number; postgres?: number };
  /** Keep data across restarts (npm start) or throw it away (tests). */
  persistent: boolean;
  /** How a persistent server that dies is restarted. */
  supervision?: Omit<SuperviseOptions, 'env'>;
  /** The dev server's tuning flags instead of ours (the flag benchmark tries each). */
  temporalFlags?: readonly string[];
  /**
   * With persistent data: MongoDB and Redis answer a write only once it is in their files, so it
   * survives a kill -9 of the server (the default; docs/operations.md, Durability). false keeps their lazier
   * defaults, which lose about the last second of acknowledged writes: only for `npm run
   * bench:durability`, which measures what the durable writes cost.
   */
  durableWrites?: boolean;
}

const durable = (opts: InfraOptions) => opts.durableWrites !== false;

export async function mongoAnswers(url: string): Promise<boolean> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 1_000 });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return true;
  } finally {
    await client.close().catch(() => undefined);
  }
}

export async function startMongo(opts: InfraOptions): Promise<Service<string>> {
  if (process.env.MONGO_URL) return external(process.env.MONGO_URL);
  const port = opts.ports?.mongo ?? (await freePort());
  const url = `mongodb://127.0.0.1:${port}`;
  const dir = join(opts.dataDir, 'mongo');
  mkdirSync(dir, { recursive: true });
  const mongod = tools.mongod();
  const embedded = tools.mongoJavaServer();
  let managed: Managed;
  if (mongod) {
    managed = spawnManaged('mongod', mongod, ['--dbpath', dir, '--port', String(port), '--bind_ip', '127.0.0.1', '--quiet'], {
      logFile: join(opts.logDir, 'mongod.log'),
    });
  } else if (embedded) {
    // Memory for tests; one H2 file for `npm start`, committed after every write command (per-write)
    // or, for the durability benchmark's comparison, by the library's background writer once a second.
    const storage = opts.persistent
      ? ['--h2', join(dir, 'mongo-java-server.mv'), '--h2-commit', durable(opts) ? 'per-write' : 'background']
      : [];
    managed = spawnManaged('mongo-java-server', embedded, ['--host', '127.0.0.1', '--port', String(port), ...storage], {
      logFile: join(opts.logDir, 'mongo-java-server.log'),
    });
  } else {
    throw new Error('no MongoDB-protocol server: run `npm run provision`, put mongod on PATH, or set MONGO_URL');
  }
  await waitFor(`${managed.name} on ${url}`, () => mongoAnswers(url), 30_000, managed);
  return fromManaged(url, managed, opts);
}

export async function startRedis(opts: InfraOptions): Promise<Service<string>> {
  if (process.env.REDIS_URL) return external(process.env.REDIS_URL);
  const server = tools.redisServer();
  if (!server) throw new Error('no redis-server: run `npm run provision`, install redis-server, or set REDIS_URL');
  const port = opts.ports?.redis ?? (await freePort());
  const dir = join(opts.dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  // `always`: each write is appended to the AOF and fsynced before Redis answers. With `everysec` the
  // append itself may wait (up to 2 s) behind a slow background fsync while the answer goes out, so
  // a kill -9 could lose acknowledged idempotency records and cart claims (docs/operations.md, Durability).
  const persistence = opts.persistent
    ? ['--appendonly', 'yes', '--appendfsync', durable(opts) ? 'always' : 'everysec']
    : ['--save', '', '--appendonly', 'no'];
  const managed = spawnManaged(
    'redis',
    server,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...persistence, '--loglevel', 'warning'],
    { logFile: join(opts.logDir, 'redis.log') },
  );
  await waitFor(`redis on ${port}`, () => portAnswers(port), 15_000, managed);
  return fromManaged(`redis://127.0.0.1:${port}`, managed, opts);
}

export interface TemporalInfo {
  address: string;
  namespace: string;
  /** The Web UI, when this module started the dev server. */
  uiUrl?: string;
}

async function temporalAnswers(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: '1s' });
  try {
    await connection.workflowService.describeNamespace({ namespace: 'default' });
    return true;
  } finally {
    await connection.close();
  }
}

/**
 * Dev-server settings that pace it for throughput instead of its defaults: task
 * dispatch is polled at 20 reads/s by default (a 12-activity workflow took 1.25 s
 * here, 0.13 s with these), and one task-queue partition suits one history shard.
 * `SAGASHOP_TEMPORAL_DEFAULTS=true` starts the dev server without them (for a comparison).
 */
export const TEMPORAL_DEV_SERVER_TUNING: readonly string[] = [
  '--dynamic-config-value',
  'history.transferProcessorMaxPollRPS=1000',
  '--dynamic-config-value',
  'system.forceSearchAttributesCacheRefreshOnRead=false',
  '--dynamic-config-value',
  'matching.numTaskqueueReadPartitions=1',
  '--dynamic-config-value',
  'matching.numTaskqueueWritePartitions=1',
];

/** With a file database (`--db-filename`): the dev server's one SQLite connection writes through a WAL, synced at checkpoints. */
export const TEMPORAL_SQLITE_TUNING: readonly string[] = ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'];

const temporalDefaults = () => process.env.SAGASHOP_TEMPORAL_DEFAULTS === 'true';

export async function startTemporal(opts: InfraOptions): Promise<Service<TemporalInfo>> {
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  if (process.env.TEMPORAL_ADDRESS) return external({ address: process.env.TEMPORAL_ADDRESS, namespace });
  const cli = tools.temporal();
  if (!cli) throw new Error('no Temporal CLI: run `npm run provision`, put `temporal` on PATH, or set TEMPORAL_ADDRESS');
  const port = opts.ports?.temporal ?? (await freePort());
  const uiPort = opts.ports?.temporalUi ?? (await freePort());
  const metricsPort = await freePort();
  const dir = join(opts.dataDir, 'temporal');
  mkdirSync(dir, { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--metrics-port',
    String(metricsPort),
    '--namespace',
    namespace,
    '--log-level',
    'warn',
    // The CLI spells the types Keyword, Int, ...
    ...SEARCH_ATTRIBUTE_KEYS.flatMap(({ name, type }) => ['--search-attribute', `${name}=${type.charAt(0)}${type.slice(1).toLowerCase()}`]),
  ];
  const tuned = !temporalDefaults();
  if (opts.temporalFlags) args.push(...opts.temporalFlags);
  else if (tuned) args.push(...TEMPORAL_DEV_SERVER_TUNING);
  if (opts.persistent)
    args.push('--db-filename', join(dir, 'temporal.db'), ...(tuned && !opts.temporalFlags ? TEMPORAL_SQLITE_TUNING : []));
  const managed = spawnManaged('temporal', cli, args, {
    env: withGoRuntimeTuning(process.env),
    logFile: join(opts.logDir, 'temporal.log'),
  });
  const address = `127.0.0.1:${port}`;
  await waitFor(`temporal dev server on ${address}`, () => temporalAnswers(address), 60_000, managed);
  return fromManaged({ address, namespace, uiUrl: `http://localhost:${uiPort}` }, managed, opts);
}

/**
 * MongoDB, Redis and Temporal, started side by side. `up` hears of each as it comes up, so
 * the caller can stop it later; a failure is thrown only once all three have settled. At
 * the first failure the others may still be starting, and one that came up after the caller
 * had stopped what it knew of would outlive it (each runs in a process group of its own).
 */
export async function startInfra(
  opts: InfraOptions,
  temporal: (opts: InfraOptions) => Promise<Service<TemporalInfo>>,
  up: (service: Service<unknown>) => void,
): Promise<{ mongo: Service<string>; redis: Service<string>; temporal: Service<TemporalInfo> }> {
  const heard = <T extends Service<unknown>>(service: T) => (up(service), service);
  const starts = { mongo: startMongo(opts).then(heard), redis: startRedis(opts).then(heard), temporal: temporal(opts).then(heard) };
  const failed = (await Promise.allSettled(Object.values(starts))).find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return { mongo: await starts.mongo, redis: await starts.redis, temporal: await starts.temporal };
}
