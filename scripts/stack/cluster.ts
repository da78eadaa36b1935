// The local cluster (`npm run start:cluster`, test/cluster, chaos and bench on
// it): the stack of local.ts with Temporal as a real cluster instead of the dev
// server — PostgreSQL (postgres.ts), the schemas set up by the server's SQL tool,
// frontend, history hosts, matching and worker as separate processes
// (temporal-cluster.ts), the Web UI server — and several replicas of every
// sagashop service process behind a balancer each (system.ts). Everything is
// supervised as `npm start`'s processes are.
import { join } from 'node:path';
import { clusterTools } from '../provision/cluster-tools.js';
import type { InfraOptions, Service, TemporalInfo } from './infra.js';
import { startLocalStack, type LocalStack, type LocalStackOptions } from './local.js';
import { startPostgres, type PostgresInfo } from './postgres.js';
import { freePort, portAnswers, spawnManaged, waitFor, type Managed } from './processes.js';
import { SERVICE_NAMES, type ServiceName } from './system.js';
import { setUpSchemas, startTemporalCluster, type TemporalHost, type TemporalRole } from './temporal-cluster.js';

export interface ClusterTemporalInfo extends TemporalInfo {
  postgres: PostgresInfo;
  /** The Temporal processes (frontend, history hosts, matching, worker). */
  hosts: TemporalHost[];
  /** PostgreSQL's supervised process. */
  postgresProcess: Managed;
}

export interface ClusterShape {
  /** Processes per sagashop service: a number for all of them, or per service (default 2 for all). */
  replicas?: number | Partial<Record<ServiceName, number>>;
  /** Temporal processes per role (default: 2 history hosts, 1 of the others). */
  temporalHosts?: Partial<Record<TemporalRole, number>>;
}

async function startUi(address: string, namespace: string, opts: InfraOptions): Promise<Service<string>> {
  const binary = clusterTools.temporalUi();
  if (!binary) throw new Error('no Temporal Web UI server: run `npm run provision -- --cluster` or set TEMPORAL_UI_SERVER_PATH');
  const port = opts.ports?.temporalUi ?? (await freePort());
  const managed = spawnManaged(
    'temporal-ui',
    binary,
    ['--host', '127.0.0.1', '--port', String(port), '--temporal-address', address, '--namespace', namespace],
    { logFile: join(opts.logDir, 'temporal-ui.log') },
  );
  await waitFor(`temporal ui on ${port}`, () => portAnswers(port), 60_000, managed);
  managed.supervise(opts.supervision);
  return { value: `http://localhost:${port}`, managed, stop: () => managed.stop() };
}

/** Starts PostgreSQL, the Temporal cluster on it and its Web UI, as one Service whose `managed` is the frontend. */
export function startClusterTemporal(shape: ClusterShape) {
  return async (opts: InfraOptions): Promise<Service<ClusterTemporalInfo>> => {
    const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
    const started: Array<{ stop(): Promise<void> }> = [];
    const stop = async () => {
      for (const s of started.reverse()) await s.stop();
    };
    try {
      const postgres = await startPostgres({ ...opts, port: opts.ports?.postgres });
      started.push(postgres);
      setUpSchemas(postgres.value);
      const cluster = await startTemporalCluster({
        ...opts,
        postgres: postgres.value,
        namespace,
        hosts: shape.temporalHosts,
        frontendPort: opts.ports?.temporal,
      });
      started.push(cluster);
      const ui = await startUi(cluster.info.address, namespace, opts);
      started.push(ui);
      const frontend = cluster.hosts.find((h) => h.role === 'frontend')!;
      return {
        value: { ...cluster.info, uiUrl: ui.value, postgres: postgres.value, hosts: cluster.hosts, postgresProcess: postgres.managed! },
        managed: frontend.managed,
        processes: [postgres.managed!, ...cluster.hosts.map((h) => h.managed), ui.managed!],
        stop,
      };
    } catch (error) {
      await stop();
      throw error;
    }
  };
}

/** Each sagashop process's start-up budget on the cluster: twice the processes of `npm start` bundle their workflows at once. */
export const CLUSTER_START_TIMEOUT_MS = 180_000;

export const replicasFor = (replicas: ClusterShape['replicas']): Partial<Record<ServiceName, number>> =>
  typeof replicas === 'object' ? replicas : Object.fromEntries(SERVICE_NAMES.map((n) => [n, replicas ?? 2]));

/** The whole shop on the local cluster. */
export function startClusterStack(opts: LocalStackOptions & ClusterShape): Promise<LocalStack> {
  return startLocalStack({
    startTimeoutMs: CLUSTER_START_TIMEOUT_MS,
    ...opts,
    replicas: replicasFor(opts.replicas),
    startTemporal: startClusterTemporal(opts),
  });
}

/** The cluster parts of a stack started by startClusterStack. */
export const clusterOf = (temporal: TemporalInfo) => temporal as ClusterTemporalInfo;
