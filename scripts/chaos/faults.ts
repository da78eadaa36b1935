// The chaos run's faults, all real: SIGKILL of service, worker and gateway
// processes (the supervisor restarts them on their ports); SIGKILL of the
// Temporal dev server, of mongo-java-server and of Redis (each restarted by its
// supervisor on the same port and files: what was acknowledged before the kill
// must be there after it); Redis frozen with SIGSTOP for a while, then SIGCONT;
// and a power cut: every process of the stack SIGKILLed at once, then the stack
// started again on the same data directory, as `npm start` would. Each fault
// fires once the workload has placed its share of the orders, so they all land
// while orders are moving; each is followed until the victim answers again.
import type { CheckResult } from '../audit/checks.js';
import { mongoAnswers } from '../stack/infra.js';
import { clusterOf } from '../stack/cluster.js';
import type { LocalStack } from '../stack/local.js';
import { portAnswers, type Managed } from '../stack/processes.js';
import { temporalServing } from '../stack/temporal-probe.js';

export interface FaultPlan {
  kills: number;
  temporalRestarts: number;
  /** SIGKILLs of the MongoDB-protocol server (mongo-java-server on its H2 file). */
  mongoKills: number;
  /** SIGKILLs of Redis (on its append-only file). */
  redisKills: number;
  redisPauses: number;
  redisPauseMs: number;
  /** Every process at once, then the stack started again on the same data. */
  powerCuts: number;
  /** On the local cluster only (stack/cluster.ts): SIGKILLs of one Temporal host of a role, and of PostgreSQL. */
  clusterKills?: Array<'history' | 'matching' | 'postgres'>;
}

export type Fault =
  | { kind: 'kill'; target: string }
  | { kind: 'temporal' }
  | { kind: 'mongo' }
  | { kind: 'redisKill' }
  | { kind: 'redis' }
  | { kind: 'powerCut' }
  | { kind: 'cluster'; target: 'history' | 'matching' | 'postgres' };

/** The stack under fault: a power cut replaces it with one started again on the same data directory and ports. */
export interface Victim {
  readonly stack: LocalStack;
  /** Kills every process at once, starts the stack again; resolves once its gateway answers. */
  powerCut(): Promise<void>;
  /** Every process the stack has had, across power cuts (for the restart counts). */
  readonly everyProcess: Managed[];
}

export interface FaultRecord {
  fault: Fault;
  at: Date;
  /** How long until the victim answered again (or the pause ended). */
  recoveredMs?: number;
  error?: string;
}

/** Killed first, so one run hits every process that hosts workflows or moves money or stock. */
const FIRST_VICTIMS = ['orders', 'payments', 'inventory', 'gateway', 'notifications', 'shipping'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const shuffle = <T>(items: T[]): T[] =>
  items
    .map((item) => [Math.random(), item] as const)
    .sort(([a], [b]) => a - b)
    .map(([, item]) => item);
const times = <T>(n: number, fault: T): T[] => Array.from({ length: n }, () => fault);

/** The faults of a plan, in a random order: kills of the processes above first, then of any process. */
export function planFaults(plan: FaultPlan, processNames: string[]): Fault[] {
  const victims = Array.from(
    { length: plan.kills },
    (_, i) => FIRST_VICTIMS[i] ?? processNames[Math.floor(Math.random() * processNames.length)]!,
  );
  return shuffle<Fault>([
    ...victims.map((target) => ({ kind: 'kill' as const, target })),
    ...times<Fault>(plan.temporalRestarts, { kind: 'temporal' }),
    ...times<Fault>(plan.mongoKills, { kind: 'mongo' }),
    ...times<Fault>(plan.redisKills, { kind: 'redisKill' }),
    ...times<Fault>(plan.redisPauses, { kind: 'redis' }),
    ...times<Fault>(plan.powerCuts, { kind: 'powerCut' }),
    ...(plan.clusterKills ?? []).map((target) => ({ kind: 'cluster' as const, target })),
  ]);
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

const answers = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok;

/** SIGKILLs the managed process's current child and waits for its supervisor to bring it back, answering. */
async function killAndWait(managed: Managed | undefined, ready: () => Promise<boolean>): Promise<void> {
  if (!managed) throw new Error('not started by this stack (an external server): cannot kill it');
  const restarts = managed.restarts;
  process.kill(managed.child.pid!, 'SIGKILL');
  await until(`${managed.name} was not restarted`, () => Promise.resolve(managed.restarts > restarts), 60_000);
  await until(`${managed.name} did not answer after its restart`, ready, 120_000);
}

export async function inflict(victim: Victim, fault: Fault, plan: FaultPlan): Promise<void> {
  const { stack } = victim;
  const redisPort = Number(new URL(stack.redis.value).port);
  switch (fault.kind) {
    case 'kill': {
      const managed = stack.system.processes.find((p) => p.name === fault.target);
      if (!managed) throw new Error(`no process ${fault.target}`);
      // The process's own URL: with replicas, the service's URL is a balancer that answers through the others.
      const url = fault.target === 'gateway' ? stack.system.gatewayUrl : stack.system.processUrls[fault.target]!;
      return killAndWait(managed, () => answers(`${url}/health/ready`));
    }
    case 'temporal':
      return killAndWait(stack.temporal.managed, () => temporalServing(stack.temporal.value.address));
    case 'mongo':
      return killAndWait(stack.mongo.managed, () => mongoAnswers(stack.mongo.value));
    case 'redisKill':
      return killAndWait(stack.redis.managed, () => portAnswers(redisPort));
    case 'redis': {
      const pid = stack.redis.managed!.child.pid!;
      process.kill(pid, 'SIGSTOP');
      try {
        await sleep(plan.redisPauseMs);
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      return until('redis did not answer after SIGCONT', () => portAnswers(redisPort), 10_000);
    }
    case 'powerCut':
      return victim.powerCut();
    case 'cluster': {
      // The first host of the role (history-1 holds half the shards), or PostgreSQL; the cluster must answer again.
      const cluster = clusterOf(stack.temporal.value);
      const managed = fault.target === 'postgres' ? cluster.postgresProcess : cluster.hosts.find((h) => h.role === fault.target)?.managed;
      return killAndWait(managed, () => temporalServing(stack.temporal.value.address));
    }
  }
}

/**
 * Inflicts the faults one after another, fault i once `progress()` (the share of
 * orders begun, 0..1) has passed (i + 1) / (faults + 1), so they spread over the
 * workload; when it has finished they follow each other at short random gaps.
 */
export async function runFaults(
  victim: Victim,
  faults: Fault[],
  plan: FaultPlan,
  progress: () => number,
  log: (line: string) => void,
): Promise<FaultRecord[]> {
  const records: FaultRecord[] = [];
  for (const [i, fault] of faults.entries()) {
    await until('never', () => Promise.resolve(progress() >= (i + 1) / (faults.length + 1)), Infinity);
    await sleep(500 + Math.random() * 2_500);
    const record: FaultRecord = { fault, at: new Date() };
    records.push(record);
    const started = Date.now();
    log(`[chaos] fault ${i + 1}/${faults.length}: ${describeFault(fault, plan)}`);
    try {
      await inflict(victim, fault, plan);
      record.recoveredMs = Date.now() - started;
      log(`[chaos]   recovered in ${(record.recoveredMs / 1000).toFixed(1)} s`);
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
      log(`[chaos]   ${record.error}`);
    }
  }
  return records;
}

export function describeFault(fault: Fault, plan: FaultPlan): string {
  switch (fault.kind) {
    case 'kill':
      return `SIGKILL ${fault.target}`;
    case 'temporal':
      // On the cluster the Temporal address is its frontend; its state is in PostgreSQL.
      return plan.clusterKills
        ? 'SIGKILL the Temporal frontend host (restarted; the state is in PostgreSQL)'
        : 'SIGKILL the Temporal dev server (restarted on its SQLite file)';
    case 'mongo':
      return 'SIGKILL the MongoDB server (restarted on its data file)';
    case 'redisKill':
      return 'SIGKILL redis (restarted on its append-only file)';
    case 'redis':
      return `SIGSTOP redis for ${plan.redisPauseMs / 1000} s`;
    case 'powerCut':
      return 'power cut: every process SIGKILLed at once, the stack started again on the same data';
    case 'cluster':
      return fault.target === 'postgres' ? 'SIGKILL PostgreSQL (restarted on its files)' : `SIGKILL a Temporal ${fault.target} host`;
  }
}

const secondsOf = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The faults as a row of the report, one line each (what, when after `since`, recovered after): each must have been recovered from. */
export function faultReport(records: FaultRecord[], plan: FaultPlan, victim: Victim, since: Date): CheckResult {
  const count = (kind: Fault['kind']) => records.filter((r) => r.fault.kind === kind).length;
  const recovery = records.flatMap((r) => (r.recoveredMs === undefined ? [] : [r.recoveredMs])).sort((a, b) => a - b);
  const restarts = new Map<string, number>();
  for (const p of victim.everyProcess) if (p.restarts > 0) restarts.set(p.name, (restarts.get(p.name) ?? 0) + p.restarts);
  return {
    name: 'faults',
    checked: `${records.length} faults`,
    figures: [
      `SIGKILLs: ${count('kill')} of services, workers and gateway; Temporal ${count('temporal')}; MongoDB ${count('mongo')}; Redis ${count('redisKill')}; Redis pauses: ${count('redis')} x ${plan.redisPauseMs / 1000} s; power cuts: ${count('powerCut')}`,
      `restarts by the supervisor: ${[...restarts.entries()].map(([name, n]) => `${name} ${n}`).join(', ') || 'none'}`,
      ...(recovery.length
        ? [`answering again after: median ${secondsOf(recovery[Math.floor(recovery.length / 2)]!)}, max ${secondsOf(recovery.at(-1)!)}`]
        : []),
      ...records.map(
        (r, i) =>
          `${i + 1}. at ${secondsOf(r.at.getTime() - since.getTime())}: ${describeFault(r.fault, plan)}; ${
            r.recoveredMs === undefined ? `NOT recovered: ${r.error}` : `answering again after ${secondsOf(r.recoveredMs)}`
          }`,
      ),
    ],
    breaches: records.flatMap((r) => (r.error ? [`${describeFault(r.fault, plan)}: ${r.error}`] : [])),
  };
}
