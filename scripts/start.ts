// `npm start`: the whole system — Temporal dev server with its Web UI, the
// MongoDB-protocol server, Redis, and every service (each with its Temporal
// worker) with the gateway, all in one Node process by default (shop/main.ts;
// SAGASHOP_PROCESSES=each: a process each) — with a demo catalog, stock and admin user.
// Every process is supervised: one that dies is restarted on its port (see
// scripts/stack/processes.ts). Ctrl-C, SIGTERM or SIGHUP stops everything, and so
// does the death of whoever started this launcher (npm, a shell). Data lives in
// SAGASHOP_DATA_DIR (default ./.data), so orders and workflow histories survive a restart.
// With --cluster (`npm run start:cluster`), Temporal runs as a real cluster on
// PostgreSQL instead of the dev server, and every service runs CLUSTER_REPLICAS
// processes (scripts/stack/cluster.ts).
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseEnv, port } from '../shared/config.js';
import { tracingConfigured } from '../shared/telemetry/switch.js';
import { startInfra, startTemporal, type Service } from './stack/infra.js';
import { CLUSTER_START_TIMEOUT_MS, clusterOf, replicasFor, startClusterTemporal } from './stack/cluster.js';
import { freePort, portAnswers } from './stack/processes.js';
import { DEFAULT_LAYOUT, startSystem, type RunningSystem } from './stack/system.js';

const env = parseEnv(
  z.object({
    SAGASHOP_DATA_DIR: z.string().default(join(process.cwd(), '.data')),
    GATEWAY_PORT: port(3000),
    TEMPORAL_PORT: port(7233),
    TEMPORAL_UI_PORT: port(8233),
    MONGO_PORT: port(27017),
    REDIS_PORT: port(6379),
    ECHO_LOGS: z.enum(['true', 'false']).default('false'),
    /** `one`: every service and the gateway in one Node process (shop/main.ts); `each`: a process per service. */
    SAGASHOP_PROCESSES: z.enum(['one', 'each']).default(DEFAULT_LAYOUT),
    // --cluster only:
    POSTGRES_PORT: port(5432),
    CLUSTER_REPLICAS: z.coerce.number().int().min(1).max(8).default(2),
    CLUSTER_HISTORY_HOSTS: z.coerce.number().int().min(1).max(8).default(2),
  }),
);
const cluster = process.argv.includes('--cluster');

/** The conventional port when it is free, otherwise any free one (and say so). */
async function preferred(name: string, wanted: number): Promise<number> {
  if (!(await portAnswers(wanted))) return wanted;
  const other = await freePort();
  console.log(`[start] port ${wanted} for ${name} is taken; using ${other}`);
  return other;
}

/** What `--cluster` adds to the addresses: PostgreSQL, the Temporal hosts, each service process (the service URLs above are their balancers). */
function clusterLines(info: ReturnType<typeof clusterOf>, system: RunningSystem): string {
  return [
    `  PostgreSQL       postgresql://${info.postgres.user}@${info.postgres.host}:${info.postgres.port} (data: ${info.postgres.dataDir})`,
    `  Temporal hosts   ${info.hosts.map((h) => `${h.name.replace('temporal-', '')} :${h.grpcPort}`).join(', ')}`,
    `  Processes        ${Object.entries(system.processUrls)
      .map(([name, url]) => `${name} ${url.replace('http://127.0.0.1', '')}`)
      .join(', ')}`,
    '',
  ].join('\n');
}

/** Each worker's SDK metrics endpoint; one line when the workers share a process (and its runtime). */
function workerMetricsLines(system: RunningSystem): string {
  const urls = new Set(Object.values(system.workerMetricsUrls));
  if (urls.size === 1) return `    ${'every worker'.padEnd(15)}${[...urls][0]}`;
  return Object.entries(system.workerMetricsUrls)
    .map(([name, url]) => `    ${name.padEnd(15)}${url}`)
    .join('\n');
}

async function main(): Promise<void> {
  const dataDir = resolve(env.SAGASHOP_DATA_DIR);
  const logDir = join(dataDir, 'logs');
  const started: Array<Service<unknown> | RunningSystem> = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('[start] stopping ...');
    for (const s of started.reverse()) await s.stop().catch((e: unknown) => console.error(e));
    console.log('[start] stopped');
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => void stopAll(0));
  // The children run in process groups of their own (so a Ctrl-C does not kill them before the
  // database is flushed): without this, a launcher whose parent was killed would leave them running.
  const parent = process.ppid;
  const watchParent = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watchParent);
    console.log('[start] the process that started me has gone');
    void stopAll(0);
  }, 1_000).unref();

  try {
    const ports = {
      mongo: await preferred('MongoDB', env.MONGO_PORT),
      redis: await preferred('Redis', env.REDIS_PORT),
      temporal: await preferred('Temporal', env.TEMPORAL_PORT),
      temporalUi: await preferred('Temporal Web UI', env.TEMPORAL_UI_PORT),
      ...(cluster ? { postgres: await preferred('PostgreSQL', env.POSTGRES_PORT) } : {}),
    };
    const opts = { dataDir, logDir, ports, persistent: true, supervision: {} };
    console.log(`[start] starting infrastructure (data: ${dataDir}, logs: ${logDir})`);
    const temporalStarter = cluster ? startClusterTemporal({ temporalHosts: { history: env.CLUSTER_HISTORY_HOSTS } }) : startTemporal;
    // Each is stopped on the way out, also when another failed to start.
    const { mongo, redis, temporal } = await startInfra(opts, temporalStarter, (service) => started.push(service));
    const oneProcess = !cluster && env.SAGASHOP_PROCESSES === 'one';
    console.log(
      `[start] starting the services (each with its worker) and the gateway, ${oneProcess ? 'in one process (SAGASHOP_PROCESSES=each: a process each)' : 'a process each'}`,
    );
    const system = await startSystem({
      mongoUrl: mongo.value,
      redisUrl: redis.value,
      temporalAddress: temporal.value.address,
      temporalNamespace: temporal.value.namespace,
      logDir,
      gatewayPort: await preferred('the gateway', env.GATEWAY_PORT),
      env: { SEED_DEMO: 'true' },
      echoLogs: env.ECHO_LOGS === 'true',
      processes: oneProcess ? 'one' : 'each',
      ...(cluster ? { replicas: replicasFor(env.CLUSTER_REPLICAS), startTimeoutMs: CLUSTER_START_TIMEOUT_MS } : {}),
    });
    started.push(system);
    const gateway = system.gatewayUrl.replace('127.0.0.1', 'localhost');
    console.log(`
sagashop is running.
  Gateway          ${gateway}/api/v1
  API docs         ${gateway}/docs   (OpenAPI: ${gateway}/openapi.json)
  Temporal Web UI  ${temporal.value.uiUrl ?? '(external Temporal: use its own UI)'}
  Temporal gRPC    ${temporal.value.address}
${cluster ? clusterLines(clusterOf(temporal.value), system) : ''}  MongoDB          ${mongo.value}
  Redis            ${redis.value}
  Demo admin       admin@sagashop.dev / admin-password-123
  Metrics          ${gateway}/metrics (and each service's /metrics); Temporal workers:
${workerMetricsLines(system)}
  Tracing          ${tracingConfigured() ? `OTLP to ${process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT}` : 'off (set OTEL_EXPORTER_OTLP_ENDPOINT, see docs/observability.md)'}
  Logs             ${logDir}
Press Ctrl-C to stop.`);
  } catch (error) {
    console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
    await stopAll(1);
  }
}

await main();
