// The sagashop processes as the deploy checks see them, taken from the code
// itself: each one's configuration schema (services/<name>/config.ts,
// gateway/config.ts), the variable its HTTP port is in, the file the build
// emits for its entry, and the paths its app serves. docker-compose.yml and
// the Kubernetes overlays are checked against these, never against a copy.
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { z } from 'zod';
import { connectTemporalClient } from '../../shared/temporal/connection.js';
import { DEV_SECRET_PREFIX, parseEnv } from '../../shared/config.js';
import { SERVICE_NAMES, type ServiceName } from '../../shared/domain/vocabulary.js';
import { createServiceApp } from '../../shared/http/service-app.js';
import { createLogger } from '../../shared/logger.js';
import { connectRedis } from '../../shared/redis.js';
import { createGatewayApp } from '../../gateway/app.js';
import { accessTokens, serviceClients } from '../../gateway/clients.js';
import { loadGatewayConfig } from '../../gateway/config.js';
import { stack } from '../support/stack.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));

export interface SagashopProcess {
  name: string;
  /** Where its schema is, for messages. */
  configFile: string;
  schema: z.ZodObject;
  entrySource: string;
  /** The variable its HTTP server's port is read from (see runProcess's listenOn). */
  portVariable: 'PORT' | 'GATEWAY_PORT';
}

async function loadProcess(name: string, dir: string, portVariable: SagashopProcess['portVariable']): Promise<SagashopProcess> {
  const configFile = `${dir}/config.ts`;
  const exportName = `${name}Env`;
  const module = (await import(/* @vite-ignore */ join(root, dir, 'config.js'))) as Record<string, unknown>;
  const schema = module[exportName] as z.ZodObject | undefined;
  if (!schema || typeof schema !== 'object' || !('shape' in schema)) {
    throw new Error(`${configFile} must export ${exportName}, a zod object schema: the deploy checks read its variables from it`);
  }
  if (!(portVariable in schema.shape)) throw new Error(`${configFile}: ${name} listens on ${portVariable}, which its schema no longer has`);
  return { name, configFile, schema, entrySource: `${dir}/main.ts`, portVariable };
}

/** The gateway and every service of shared/domain/vocabulary.ts. */
export async function loadProcesses(): Promise<SagashopProcess[]> {
  return Promise.all([
    loadProcess('gateway', 'gateway', 'GATEWAY_PORT'),
    ...SERVICE_NAMES.map((name) => loadProcess(name, `services/${name}`, 'PORT')),
  ]);
}

const TUNING = 'a tuning knob whose default fits every deployment (docs/configuration.md)';
const SHARED_SERVERS = 'only for several stacks sharing one server; deployments own theirs';
const SAGA = 'a business setting of the workflows; its default is the shop policy';

/**
 * The variables compose and the overlays may leave unset, so that the process
 * uses its default. Every other variable of a schema must be set for the
 * process in docker-compose.yml and in each overlay: a variable added to a
 * schema (an OpenTelemetry exporter, Temporal TLS, a metrics port) fails these
 * checks until the deployments set it, or until it is listed here with the
 * reason its default is right everywhere.
 */
export const LEFT_AT_DEFAULT: Readonly<Record<string, string>> = {
  WORKFLOW_CACHE_SIZE:
    '250 executions per hosting worker bounds its memory in every layout; a deployment with more sagas in flight at once raises it, 0 is a determinism check for tests',
  TEMPORAL_TLS:
    'plain text to the in-cluster Temporal of compose and the overlays; a TLS or Temporal Cloud deployment sets it with its certificates or an API key (docs/deploying.md, Temporal Cloud)',
  MONGO_DB_PREFIX: SHARED_SERVERS,
  REDIS_KEY_PREFIX: SHARED_SERVERS,
  SEED_DEMO: 'off unless asked for: compose and the dev overlay may turn the demo shop on',
  DEMO_ADMIN_PASSWORD: 'only with SEED_DEMO off loopback: compose and the dev overlay pass it, users refuses to seed without it',
  READINESS_CACHE_MS: TUNING,
  REGISTRATIONS_PER_IP: TUNING,
  REGISTRATION_WINDOW_SECONDS: TUNING,
  SHIPMENT_CARRIER_EMAIL: 'unset, only admins report carrier events; a shop with a carrier account names it (docs/configuration.md)',
  TRUSTED_PROXY_HOPS: 'with TRUST_PROXY only: the number of your proxies in front of the gateway (docs/deploying.md)',
  CART_TTL_SECONDS: TUNING,
  NOTIFY_TRANSPORT: 'the outbox is the transport that ships; SMTP is opt-in with SMTP_URL',
  SMTP_URL: 'only with NOTIFY_TRANSPORT=smtp',
  SMTP_FROM: 'only with NOTIFY_TRANSPORT=smtp',
  PAYMENT_PROVIDER: 'the simulator is the only provider that ships',
  SIMULATOR_FLAKY_FAILURES: "a behaviour of the simulator's test tokens",
  SIMULATOR_SLOW_MS: "a behaviour of the simulator's test tokens",
  JWT_ISSUER: TUNING,
  JWT_AUDIENCE: TUNING,
  JWT_TTL_SECONDS: TUNING,
  DOWNSTREAM_TIMEOUT_MS: TUNING,
  DASHBOARD_PART_TIMEOUT_MS: TUNING,
  RATE_LIMIT_PER_USER: TUNING,
  RATE_LIMIT_PER_IP: TUNING,
  RATE_LIMIT_WINDOW_SECONDS: TUNING,
  IDEMPOTENCY_TTL_SECONDS: TUNING,
  USER_CACHE_SECONDS: TUNING,
  LOGIN_FAILURES_PER_ACCOUNT: TUNING,
  LOGIN_FAILURES_PER_IP: TUNING,
  LOGIN_FAILURE_WINDOW_SECONDS: TUNING,
  REDIS_COMMAND_TIMEOUT_MS: TUNING,
  CORS_ORIGINS: 'the API has no browser front end of its own yet; one sets its origin here',
  TRUST_PROXY: 'true only behind a proxy that sets X-Forwarded-For (docs/deploying.md)',
  APPROVAL_THRESHOLD_CENTS: SAGA,
  APPROVAL_TIMEOUT: SAGA,
  COMPENSATION_MAX_ATTEMPTS: SAGA,
  PICKUP_TIMEOUT: SAGA,
  DELIVERY_TIMEOUT: SAGA,
  REVIEW_REQUEST_DELAY: SAGA,
  ONBOARDING_REMINDER_DELAY: SAGA,
};

const isRequired = (field: z.ZodType) => !field.safeParse(undefined).success;

/**
 * Variables read by Node, its allocator or a library rather than by a process's
 * own schema (the image sets them for every process), so no schema knows them.
 */
export const RUNTIME_VARIABLES: Readonly<Record<string, string>> = {
  NODE_OPTIONS: 'the tracing preload and V8 heap settings (Dockerfile)',
  MALLOC_ARENA_MAX: 'glibc allocator settings that keep resident memory small (Dockerfile)',
  MALLOC_MMAP_THRESHOLD_: 'glibc allocator settings that keep resident memory small (Dockerfile)',
};

/**
 * What is wrong with the environment a deployment gives a process (`where`
 * names the deployment in messages): a required variable missing, a variable
 * its schema does not know, a new variable nobody decided about, a value the
 * process would refuse at start-up, or an address it cannot be reached on.
 */
export function configurationProblems(where: string, proc: SagashopProcess, env: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  const shape = proc.schema.shape as Record<string, z.ZodType>;
  for (const [key, field] of Object.entries(shape)) {
    if (key in env) continue;
    if (isRequired(field)) problems.push(`${where}: ${proc.name} requires ${key} (no default in ${proc.configFile}), and it is not set`);
    else if (!(key in LEFT_AT_DEFAULT)) {
      problems.push(
        `${where}: ${proc.name} leaves ${key} (${proc.configFile}) unset: set it in docker-compose.yml and the overlays, or list it in LEFT_AT_DEFAULT (test/deploy/processes.ts) with why its default fits everywhere`,
      );
    }
  }
  for (const key of Object.keys(env)) {
    if (!(key in shape) && !(key in RUNTIME_VARIABLES))
      problems.push(
        `${where}: ${proc.name} is given ${key}, which ${proc.configFile} does not know (a typo, or another process's variable?)`,
      );
  }
  if (problems.length) return problems;
  try {
    parseEnv(proc.schema, env);
  } catch (error) {
    problems.push(`${where}: ${proc.name} would refuse to start: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (env.HOST !== '0.0.0.0' && env.HOST !== '::')
    problems.push(`${where}: ${proc.name} listens on HOST=${env.HOST}, unreachable from outside its container (0.0.0.0 or ::)`);
  return problems;
}

/** A secret value that passes every schema (long enough, not `dev-only-`), for secrets a check cannot read. */
export const PLACEHOLDER_SECRET = 'placeholder-of-a-secret-0123456789abcdef';
export { DEV_SECRET_PREFIX };

const buildConfig = (() => {
  const file = join(root, 'tsconfig.build.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    file,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(`${file}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${file}`);
  return parsed;
})();

/** The file `npm run build` (tsconfig.build.json) emits for a source, relative to the repository root. */
export function builtFileOf(source: string): string {
  const absolute = join(root, source);
  if (!buildConfig.fileNames.includes(absolute)) throw new Error(`${source} is not compiled by tsconfig.build.json`);
  const js = ts.getOutputFileNames(buildConfig, absolute, false).find((f) => f.endsWith('.js'));
  if (!js) throw new Error(`tsconfig.build.json emits no JavaScript for ${source}`);
  return relative(root, js);
}

/** The command that runs a process in the image. */
export const commandOf = (proc: SagashopProcess) => ['node', builtFileOf(proc.entrySource)];

type App = { request(path: string): Response | Promise<Response> };
const apps = new Map<string, Promise<{ app: App; close(): Promise<void> }>>();

// The gateway's app is built as its main.ts builds it, on the test stack's
// Redis and Temporal; the services' health routes come from createServiceApp.
async function appOf(proc: SagashopProcess): Promise<{ app: App; close(): Promise<void> }> {
  const logger = createLogger(proc.name, 'silent');
  if (proc.name !== 'gateway') {
    return {
      app: createServiceApp({ service: proc.name, logger, serviceTokenSecret: PLACEHOLDER_SECRET, checks: {} }),
      close: () => Promise.resolve(),
    };
  }
  const urlOf = (name: ServiceName) => `http://127.0.0.1:9/${name}`;
  const urls = Object.fromEntries(SERVICE_NAMES.map((name) => [`${name.toUpperCase()}_URL`, urlOf(name)]));
  const config = loadGatewayConfig({
    ...urls,
    TEMPORAL_ADDRESS: stack().temporalAddress,
    REDIS_URL: stack().redisUrl,
    LOG_LEVEL: 'silent',
  });
  const temporal = await connectTemporalClient({
    settings: { connection: { address: config.TEMPORAL_ADDRESS }, namespace: config.TEMPORAL_NAMESPACE ?? 'default' },
  });
  const redis = connectRedis(config.REDIS_URL);
  const app = createGatewayApp({ config, logger, redis, temporal, tokens: accessTokens(config), services: serviceClients(config) });
  return {
    app,
    close: async () => {
      await redis.quit().catch(() => undefined);
      await temporal.connection.close();
    },
  };
}

/** Whether the process's app has a route for a GET of this path (whatever the answer: a readiness probe may well get 503 here). */
export async function serves(proc: SagashopProcess, path: string): Promise<boolean> {
  if (!apps.has(proc.name)) apps.set(proc.name, appOf(proc));
  const { app } = await apps.get(proc.name)!;
  const response = await app.request(path);
  await response.body?.cancel();
  return response.status !== 404 && response.status !== 405;
}

/** Closes the connections serves() opened. */
export async function closeApps(): Promise<void> {
  const opened = [...apps.values()];
  apps.clear();
  await Promise.all(opened.map(async (opening) => (await opening).close()));
}

/** The hosts and ports of an address variable's value: a URL (also mongodb://a:1,b:2/...) or host:port. */
export function endpointsOf(value: string): Array<{ scheme?: string; host: string; port?: number; path?: string }> {
  const url = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/]*@)?([^/?#]+)(\/[^?#]*)?/i.exec(value);
  const hostPort = /^([A-Za-z0-9.-]+):(\d+)$/.exec(value);
  if (url) {
    return url[2]!.split(',').map((part) => {
      const [host, port] = part.split(':');
      return { scheme: url[1]!.toLowerCase(), host: host!, port: port ? Number(port) : undefined, path: url[3] };
    });
  }
  if (hostPort) return [{ host: hostPort[1]!, port: Number(hostPort[2]) }];
  return [];
}

export const defaultPortOf = (scheme: string | undefined) => (scheme === 'https' ? 443 : scheme === 'http' ? 80 : undefined);
