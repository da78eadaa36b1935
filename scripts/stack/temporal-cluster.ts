// A Temporal cluster of separate processes on PostgreSQL, as a production
// deployment runs it: frontend, history (several hosts sharing the shards),
// matching and worker, each its own supervised `server start --service <role>`,
// found by each other through the membership table in the database. The
// schemas are set up (or brought up to date) with the server's SQL tool first;
// the namespace and the saga's search attributes are registered once the
// frontend serves. Every process gets its own config file, written from the
// template below (only its own ports differ), and all share the dynamic config
// of the compose deployment (deploy/compose/temporal/dynamicconfig.yaml).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_KEYS } from '../../services/orders/temporal/search-attributes.js';
import type { InfraOptions, TemporalInfo } from './infra.js';
import type { PostgresInfo } from './postgres.js';
import { freePort, portAnswers, spawnManaged, waitFor, type Managed } from './processes.js';
import { inRepository } from './repository.js';
import { tools } from './tools.js';
import { temporalServing } from './temporal-probe.js';

export const TEMPORAL_ROLES = ['frontend', 'history', 'matching', 'worker'] as const;
export type TemporalRole = (typeof TEMPORAL_ROLES)[number];

/**
 * History shards: fixed for the life of the database (the server refuses another count later).
 * More than one, so workflows of one run land on different shards and history hosts.
 */
export const CLUSTER_HISTORY_SHARDS = 4;

/** The dynamic config compose's server reads; the cluster reads the same file, so they cannot drift. */
export const DYNAMIC_CONFIG = inRepository('deploy', 'compose', 'temporal', 'dynamicconfig.yaml');

export interface TemporalClusterOptions extends InfraOptions {
  postgres: PostgresInfo;
  namespace: string;
  /** Processes per role; history defaults to 2, the others to 1. */
  hosts?: Partial<Record<TemporalRole, number>>;
  /** The frontend's gRPC port (a free one when omitted). */
  frontendPort?: number;
}

export interface TemporalHost {
  role: TemporalRole;
  /** history-1, history-2, frontend-1, ... */
  name: string;
  grpcPort: number;
  managed: Managed;
}

export interface TemporalCluster {
  info: TemporalInfo;
  hosts: TemporalHost[];
  stop(): Promise<void>;
}

interface Ports {
  grpcPort: number;
  membershipPort: number;
  httpPort?: number;
}

const sqlStore = (pg: PostgresInfo, databaseName: string, maxConns: number) => ({
  sql: {
    pluginName: 'postgres12',
    databaseName,
    connectAddr: `${pg.host}:${pg.port}`,
    connectProtocol: 'tcp',
    user: pg.user,
    password: '',
    maxConns,
    maxIdleConns: maxConns,
    maxConnLifetime: '1h',
  },
});

/**
 * One process's server config. JSON is YAML, so it is written as JSON. `services` names every role
 * (with the first host's ports), and the process's own role with its own ports.
 */
function serverConfig(pg: PostgresInfo, base: Record<TemporalRole, Ports>, role: TemporalRole, own: Ports, frontendPort: number) {
  const services = Object.fromEntries(TEMPORAL_ROLES.map((r) => [r, { rpc: { ...(r === role ? own : base[r]), bindOnLocalHost: true } }]));
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: CLUSTER_HISTORY_SHARDS,
      datastores: { default: sqlStore(pg, 'temporal', 20), visibility: sqlStore(pg, 'temporal_visibility', 10) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services,
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${frontendPort}` },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: DYNAMIC_CONFIG, pollInterval: '10s' },
  };
}

/** Creates both databases when missing and brings their schemas to the server's version (each step safe to repeat). */
export function setUpSchemas(pg: PostgresInfo): void {
  const sqlTool = tools.temporalSql();
  if (!sqlTool) throw new Error('no Temporal SQL tool: run `npm run provision -- --cluster` or set TEMPORAL_SQL_TOOL_PATH');
  const run = (db: string, args: string[]) => {
    const all = ['--plugin', 'postgres12', '--ep', pg.host, '-p', String(pg.port), '-u', pg.user, '--db', db, ...args];
    const result = spawnSync(sqlTool, all, { encoding: 'utf8' });
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
  };
  for (const [db, schema] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    // `create-database` of an existing one fails; a real failure shows in the next step.
    run(db, ['create-database']);
    for (const step of [
      ['setup-schema', '-v', '0.0'],
      ['update-schema', '--schema-name', `postgresql/v12/${schema}`],
    ]) {
      const result = run(db, step);
      if (!result.ok) throw new Error(`temporal sql ${step.join(' ')} on ${db} failed: ${result.output}`);
    }
  }
}

/** Registers the namespace (kept when it exists) and the saga's search attributes; retried while the cluster settles. */
async function registerNamespace(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await waitFor(
      `namespace ${namespace} on ${address}`,
      async () => {
        try {
          await connection.workflowService.describeNamespace({ namespace });
        } catch {
          await connection.workflowService.registerNamespace({
            namespace,
            workflowExecutionRetentionPeriod: msToTs('7 days'),
          });
        }
        const listed = await connection.operatorService.listSearchAttributes({ namespace });
        const missing = SEARCH_ATTRIBUTE_KEYS.filter(({ name }) => !(name in (listed.customAttributes ?? {})));
        if (missing.length === 0) return true;
        await connection.operatorService.addSearchAttributes({
          namespace,
          searchAttributes: Object.fromEntries(
            missing.map(({ name, type }) => [name, proto.temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${type}`]]),
          ),
        });
        return false;
      },
      120_000,
    );
  } finally {
    await connection.close();
  }
}

/**
 * The membership table keeps ports in a smallint column: above 32767 a host cannot register and
 * dies at start-up. The OS's free ports are above that on Linux, so these are picked below it.
 */
async function freeMembershipPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!(await portAnswers(port)) && (await canListen(port))) return port;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Starts every Temporal process on a PostgreSQL whose schemas are set up; resolves once the namespace is usable. */
export async function startTemporalCluster(opts: TemporalClusterOptions): Promise<TemporalCluster> {
  const server = tools.temporalServer();
  if (!server) throw new Error('no Temporal server: run `npm run provision -- --cluster` or set TEMPORAL_SERVER_PATH');
  const count = (role: TemporalRole) => Math.max(1, opts.hosts?.[role] ?? (role === 'history' ? 2 : 1));
  const frontendPort = opts.frontendPort ?? (await freePort());
  const portsFor = async (role: TemporalRole, index: number): Promise<Ports> => ({
    grpcPort: role === 'frontend' && index === 1 ? frontendPort : await freePort(),
    membershipPort: await freeMembershipPort(),
    ...(role === 'frontend' ? { httpPort: await freePort() } : {}),
  });
  const plan: Array<{ role: TemporalRole; name: string; ports: Ports }> = [];
  for (const role of TEMPORAL_ROLES)
    for (let i = 1; i <= count(role); i++) plan.push({ role, name: `temporal-${role}-${i}`, ports: await portsFor(role, i) });
  const base = Object.fromEntries(TEMPORAL_ROLES.map((r) => [r, plan.find((p) => p.role === r)!.ports])) as Record<TemporalRole, Ports>;

  const configRoot = join(opts.dataDir, 'temporal-cluster');
  const hosts: TemporalHost[] = [];
  const stop = async () => {
    await Promise.all(hosts.map((h) => h.managed.stop()));
  };
  try {
    for (const { role, name, ports } of plan) {
      // The server reads <root>/<config>/<env>.yaml: one directory per process.
      mkdirSync(join(configRoot, name), { recursive: true });
      writeFileSync(
        join(configRoot, name, 'cluster.yaml'),
        JSON.stringify(serverConfig(opts.postgres, base, role, ports, frontendPort), null, 2),
      );
      const managed = spawnManaged(
        name,
        server,
        ['--root', configRoot, '--config', name, '--env', 'cluster', '--allow-no-auth', 'start', '--service', role],
        { logFile: join(opts.logDir, `${name}.log`) },
      );
      // Supervised from the start: the data is in PostgreSQL, so a restarted host comes back whole.
      managed.supervise(opts.supervision);
      hosts.push({ role, name, grpcPort: ports.grpcPort, managed });
    }
    const address = `127.0.0.1:${frontendPort}`;
    await waitFor(`temporal frontend on ${address}`, () => temporalServing(address), 120_000);
    await registerNamespace(address, opts.namespace);
    return { info: { address, namespace: opts.namespace }, hosts, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
