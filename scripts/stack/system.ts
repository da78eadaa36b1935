// Starts sagashop's own processes (every service, each with its worker, and the
// gateway) against running infrastructure. Used by `npm start` and the end-to-end tests.
import { join, resolve, extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startBalancer, type Balancer } from './balancer.js';
import { freePort, spawnManaged, type Managed, type SuperviseOptions } from './processes.js';
import { v8Flags, withAllocatorTuning } from './runtime-tuning.js';

export const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

// Compiled (dist/, `npm start`) the launcher starts compiled processes; under tsx
// (tests, development) it starts the TypeScript sources through tsx.
const sourceExtension = extname(fileURLToPath(import.meta.url));
const entryOf = (...path: string[]) => `${join(root, ...path, 'main')}${sourceExtension}`;
// Every process preloads shared/telemetry/preload: it starts tracing before the
// entry point's imports load node:http, mongodb and ioredis when OTEL_* asks for
// it (see shared/telemetry/switch.ts), and does nothing otherwise.
// Workflow worker threads inherit the preload, and tsx does not load TypeScript
// in them: under tsx the preload is reached through a JavaScript shim that
// imports it in the main thread only.
const preload = pathToFileURL(`${join(root, 'shared', 'telemetry', 'preload')}${sourceExtension}`).href;
const nodeArgs = (entry: string, env: NodeJS.ProcessEnv) => [
  ...v8Flags(env.NODE_OPTIONS),
  ...(sourceExtension === '.ts'
    ? [
        '--import',
        'tsx',
        '--import',
        `data:text/javascript,if((await import('node:worker_threads')).isMainThread)await import(${JSON.stringify(preload)})`,
        entry,
      ]
    : ['--import', preload, entry]),
];

import { SERVICE_NAMES, WORKER_SERVICES, type ServiceName } from '../../shared/domain/vocabulary.js';

export { SERVICE_NAMES, type ServiceName };

export interface SystemOptions {
  mongoUrl: string;
  redisUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  logDir: string;
  /** Database-name and Redis-key prefix, so several systems can share servers. */
  prefix?: string;
  gatewayPort?: number;
  /** Extra environment for every process (e.g. shorter timeouts in tests). */
  env?: NodeJS.ProcessEnv;
  /** Echo each process's log lines to this process's stdout. */
  echoLogs?: boolean;
  /** How dead processes are restarted (backoff, where it is reported); every process is supervised. */
  supervision?: Omit<SuperviseOptions, 'env'>;
  /**
   * Processes per service (default 1; the local cluster runs 2). Replica n > 1 is named `<service>-<n>`
   * and starts once every first replica is up; a service with several gets a balancer (balancer.ts)
   * whose URL is the one the gateway and other services are given.
   */
  replicas?: Partial<Record<ServiceName, number>>;
  /** How long a process may take to log that it listens (default 60 s; the cluster, many more processes at once, and tests on a loaded CI machine give more). */
  startTimeoutMs?: number;
  /**
   * `one`: every service and the gateway in one Node process (shop/main.ts), as `npm start`
   * runs them by default; `each` (the default here): a process per service and one for the
   * gateway, which fault tests kill one by one. Replicas need `each`.
   */
  processes?: ProcessLayout;
}

export type ProcessLayout = 'one' | 'each';
/** How `npm start` and `npm run bench` lay the local stack out unless told (SAGASHOP_PROCESSES, BENCH_PROCESSES). */
export const DEFAULT_LAYOUT: ProcessLayout = 'one';

export interface RunningSystem {
  gatewayUrl: string;
  serviceUrls: Partial<Record<ServiceName, string>>;
  /** Each process's own URL by process name (`orders`, `orders-2`, ...): with replicas, serviceUrls holds the balancers'. */
  processUrls: Record<string, string>;
  /** Each worker's SDK metrics endpoint (Prometheus), on a free port the launcher gave it (WORKER_METRICS_PORT). */
  workerMetricsUrls: Partial<Record<ServiceName, string>>;
  processes: Managed[];
  stop(): Promise<void>;
  /** Stops one service process (fault tests) and returns a function that starts it again (`each` only). */
  stopService(name: ServiceName): Promise<() => Promise<void>>;
}

interface ListeningLine {
  msg?: string;
  url?: string;
}

interface StartedProcess {
  managed: Managed;
  url?: string;
  workerMetricsUrl?: string;
}

/**
 * Runs an entry point (compiled, or TypeScript through tsx) and resolves once it logs its
 * 'listening' (or 'ready') line. From then on it is supervised: restarted when it dies, on the
 * port it first listened on (`portVariable` carries it), so every URL handed out stays right.
 */
function startNodeProcess(
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  opts: SystemOptions,
  portVariable = 'PORT',
  readyOn: ReadonlyArray<string> = ['listening', 'ready'],
): Promise<StartedProcess> {
  return new Promise((resolvePromise, reject) => {
    let settled = false;
    let workerMetricsUrl: string | undefined;
    // One trace service per process, whatever OTEL_SERVICE_NAME the launcher itself was given.
    const processEnv = withAllocatorTuning({ ...process.env, ...opts.env, OTEL_SERVICE_NAME: name, ...env });
    const managed = spawnManaged(name, process.execPath, nodeArgs(entry, processEnv), {
      cwd: root,
      env: processEnv,
      logFile: join(opts.logDir, `${name}.log`),
      onLine: (line) => {
        if (opts.echoLogs) process.stdout.write(`${line}\n`);
        if (settled) return;
        let parsed: ListeningLine;
        try {
          parsed = JSON.parse(line) as ListeningLine;
        } catch {
          return;
        }
        if (parsed.msg === 'worker metrics') workerMetricsUrl = parsed.url;
        if (parsed.msg !== undefined && readyOn.includes(parsed.msg)) {
          settled = true;
          managed.supervise({ ...opts.supervision, env: parsed.url ? { [portVariable]: new URL(parsed.url).port } : {} });
          resolvePromise({ managed, url: parsed.url, ...(workerMetricsUrl ? { workerMetricsUrl } : {}) });
        }
      },
    });
    const timeoutMs = opts.startTimeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      if (!settled) {
        settled = true;
        void managed.stop();
        reject(new Error(`${name} did not start within ${timeoutMs / 1000} s; see ${join(opts.logDir, `${name}.log`)}`));
      }
    }, timeoutMs);
    managed.child.once('exit', (code) => {
      clearTimeout(timer);
      if (!settled) {
        settled = true;
        reject(new Error(`${name} exited with code ${code} during start-up; see ${join(opts.logDir, `${name}.log`)}`));
      }
    });
  });
}

/** The servers every process of a system talks to, from its options. */
function commonEnv(opts: SystemOptions): NodeJS.ProcessEnv {
  const prefix = opts.prefix ?? '';
  return {
    MONGO_URL: opts.mongoUrl,
    MONGO_DB_PREFIX: prefix,
    REDIS_URL: opts.redisUrl,
    REDIS_KEY_PREFIX: prefix ? `${prefix}:` : '',
    TEMPORAL_ADDRESS: opts.temporalAddress,
    TEMPORAL_NAMESPACE: opts.temporalNamespace,
  };
}

/** `SERVICE_URL`-style variables for the gateway: USERS_URL, CATALOG_URL, ... */
const serviceUrlEnv = (serviceUrls: Partial<Record<ServiceName, string>>): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(serviceUrls).map(([n, url]) => [`${n.toUpperCase()}_URL`, url]));

export interface ExtraGateway {
  url: string;
  managed: Managed;
  stop(): Promise<void>;
}

/**
 * One more gateway process beside a system's (tests: several gateways sharing one Redis,
 * or a gateway whose service URLs point somewhere else). It gets the same environment as
 * the system's gateway for `opts` and `serviceUrls`; `env` overrides any of it.
 */
export async function startGateway(
  opts: SystemOptions,
  serviceUrls: Partial<Record<ServiceName, string>>,
  env: NodeJS.ProcessEnv = {},
  name = 'gateway-extra',
): Promise<ExtraGateway> {
  const started = await startNodeProcess(
    name,
    entryOf('gateway'),
    {
      ...commonEnv(opts),
      ...serviceUrlEnv(serviceUrls),
      GATEWAY_PORT: '0',
      ...env,
    },
    opts,
    'GATEWAY_PORT',
  );
  return { url: started.url!, managed: started.managed, stop: () => started.managed.stop() };
}

/** A service's n-th process: `orders`, `orders-2`, ... */
export const replicaName = (name: ServiceName, replica: number) => (replica === 1 ? name : `${name}-${replica}`);

export async function startSystem(opts: SystemOptions): Promise<RunningSystem> {
  if (opts.processes === 'one') return startShop(opts);
  const common = commonEnv(opts);
  const processes: Managed[] = [];
  const serviceUrls: Partial<Record<ServiceName, string>> = {};
  const workerMetricsUrls: Partial<Record<ServiceName, string>> = {};
  const processUrls: Record<string, string> = {};
  const balancers: Balancer[] = [];
  const byName = new Map<string, Managed>();
  const stop = async () => {
    await Promise.all([...byName.values()].reverse().map((p) => p.stop()));
    await Promise.all(balancers.map((b) => b.stop()));
  };
  const replicasOf = (name: ServiceName) => Math.max(1, opts.replicas?.[name] ?? 1);

  // The cart validates against the catalog, so it learns the catalog's URL.
  const dependencyEnv = (name: ServiceName): NodeJS.ProcessEnv =>
    name === 'cart' && serviceUrls.catalog ? { CATALOG_URL: serviceUrls.catalog } : {};

  const startOne = async (name: ServiceName, port = '0', replica = 1) => {
    const processName = replicaName(name, replica);
    // The SDK cannot tell which port it took, so each process is given a free one (a process without a worker ignores it).
    const metricsPort = String(await freePort());
    const started = await startNodeProcess(
      processName,
      entryOf('services', name),
      { ...common, ...dependencyEnv(name), PORT: port, WORKER_METRICS_PORT: metricsPort },
      opts,
    );
    byName.set(processName, started.managed);
    processes.push(started.managed);
    if (started.url) processUrls[processName] = started.url;
    if (started.url && replica === 1) serviceUrls[name] = started.url;
    if (started.workerMetricsUrl && replica === 1) workerMetricsUrls[name] = started.workerMetricsUrl;
  };
  // First replicas before the others: the demo seeds of a service's replicas must not race each other.
  const startReplicas = async (names: ServiceName[]) => {
    await Promise.all(names.map((n) => startOne(n)));
    const most = Math.max(...names.map(replicasOf));
    for (let replica = 2; replica <= most; replica++)
      await Promise.all(names.filter((n) => replicasOf(n) >= replica).map((n) => startOne(n, '0', replica)));
    for (const name of names.filter((n) => replicasOf(n) > 1)) {
      const ports = Array.from({ length: replicasOf(name) }, (_, i) => Number(new URL(processUrls[replicaName(name, i + 1)]!).port));
      const balancer = await startBalancer(ports);
      balancers.push(balancer);
      serviceUrls[name] = balancer.url;
    }
  };

  try {
    await startReplicas(SERVICE_NAMES.filter((n) => n !== 'cart'));
    await startReplicas(['cart']);
    const serviceEnv = serviceUrlEnv(serviceUrls);
    const gateway = await startNodeProcess(
      'gateway',
      entryOf('gateway'),
      {
        ...common,
        ...serviceEnv,
        GATEWAY_PORT: String(opts.gatewayPort ?? 0),
      },
      opts,
      'GATEWAY_PORT',
    );
    byName.set('gateway', gateway.managed);
    processes.push(gateway.managed);
    return {
      gatewayUrl: gateway.url!,
      serviceUrls,
      processUrls,
      workerMetricsUrls,
      processes,
      stop,
      stopService: async (name) => {
        const proc = byName.get(name);
        await proc?.stop();
        return async () => {
          // Restart on the same port so the gateway's configured URL stays right.
          await startOne(name, new URL(processUrls[name]!).port);
        };
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The one-process layout: shop/main.ts runs every service and the gateway. Each service is
 * given a port here (so a restart by the supervisor keeps every URL) and the process's one
 * Temporal runtime a metrics port; it is up once it logs 'ready' (every part listens).
 */
async function startShop(opts: SystemOptions): Promise<RunningSystem> {
  if (Object.values(opts.replicas ?? {}).some((n) => n > 1)) throw new Error('replicas need a process per service (processes: each)');
  const serviceUrls: Partial<Record<ServiceName, string>> = {};
  const portEnv: NodeJS.ProcessEnv = {};
  for (const name of SERVICE_NAMES) {
    const port = await freePort();
    portEnv[`${name.toUpperCase()}_PORT`] = String(port);
    serviceUrls[name] = `http://127.0.0.1:${port}`;
  }
  const metricsPort = await freePort();
  const shop = await startNodeProcess(
    'shop',
    entryOf('shop'),
    { ...commonEnv(opts), ...portEnv, GATEWAY_PORT: String(opts.gatewayPort ?? 0), WORKER_METRICS_PORT: String(metricsPort) },
    opts,
    'GATEWAY_PORT',
    ['ready'],
  );
  return {
    gatewayUrl: shop.url!,
    serviceUrls,
    processUrls: { ...serviceUrls, gateway: shop.url! },
    workerMetricsUrls: Object.fromEntries(
      WORKER_SERVICES.map((name) => [name, shop.workerMetricsUrl ?? `http://127.0.0.1:${metricsPort}/metrics`]),
    ),
    processes: [shop.managed],
    stop: () => shop.managed.stop(),
    stopService: () => Promise.reject(new Error('the one-process shop has no process per service to stop (processes: each)')),
  };
}
