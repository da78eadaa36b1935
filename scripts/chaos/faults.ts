// The chaos run's faults, all real: SIGKILL of service, worker and gateway
// processes (the supervisor restarts them on their ports), SIGKILL of the
// Temporal dev server (restarted by its supervisor on the same port and SQLite
// file), and Redis frozen with SIGSTOP for a while, then SIGCONT. Each fault
// fires once the workload has placed its share of the orders, so they all land
// while orders are moving; each is followed until the victim answers again.
import { Connection } from '@temporalio/client';
import type { CheckResult } from '../audit/checks.js';
import type { LocalStack } from '../stack/local.js';
import { portAnswers, type Managed } from '../stack/processes.js';

export interface FaultPlan {
  kills: number;
  temporalRestarts: number;
  redisPauses: number;
  redisPauseMs: number;
}

export type Fault = { kind: 'kill'; target: string } | { kind: 'temporal' } | { kind: 'redis' };

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

/** The faults of a plan, in a random order: kills of the processes above first, then of any process. */
export function planFaults(plan: FaultPlan, processNames: string[]): Fault[] {
  const victims = Array.from(
    { length: plan.kills },
    (_, i) => FIRST_VICTIMS[i] ?? processNames[Math.floor(Math.random() * processNames.length)]!,
  );
  return shuffle<Fault>([
    ...victims.map((target) => ({ kind: 'kill' as const, target })),
    ...Array.from({ length: plan.temporalRestarts }, () => ({ kind: 'temporal' as const })),
    ...Array.from({ length: plan.redisPauses }, () => ({ kind: 'redis' as const })),
  ]);
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

async function temporalAnswers(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: '1s' });
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } finally {
    await connection.close();
  }
}

const answers = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok;

/** SIGKILLs the managed process's current child and waits for its supervisor to bring it back, answering. */
async function killAndWait(managed: Managed, ready: () => Promise<boolean>): Promise<void> {
  const restarts = managed.restarts;
  process.kill(managed.child.pid!, 'SIGKILL');
  await until(`${managed.name} was not restarted`, async () => managed.restarts > restarts, 60_000);
  await until(`${managed.name} did not answer after its restart`, ready, 120_000);
}

export async function inflict(stack: LocalStack, fault: Fault, plan: FaultPlan): Promise<void> {
  switch (fault.kind) {
    case 'kill': {
      const managed = stack.system.processes.find((p) => p.name === fault.target);
      if (!managed) throw new Error(`no process ${fault.target}`);
      const url =
        fault.target === 'gateway'
          ? stack.system.gatewayUrl
          : stack.system.serviceUrls[fault.target as keyof typeof stack.system.serviceUrls]!;
      return killAndWait(managed, () => answers(`${url}/health/ready`));
    }
    case 'temporal':
      return killAndWait(stack.temporal.managed!, () => temporalAnswers(stack.temporal.value.address));
    case 'redis': {
      const pid = stack.redis.managed!.child.pid!;
      process.kill(pid, 'SIGSTOP');
      try {
        await sleep(plan.redisPauseMs);
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      const port = Number(new URL(stack.redis.value).port);
      return until('redis did not answer after SIGCONT', () => portAnswers(port), 10_000);
    }
  }
}

/**
 * Inflicts the faults one after another, fault i once `progress()` (the share of
 * orders begun, 0..1) has passed (i + 1) / (faults + 1), so they spread over the
 * workload; when it has finished they follow each other at short random gaps.
 */
export async function runFaults(
  stack: LocalStack,
  faults: Fault[],
  plan: FaultPlan,
  progress: () => number,
  log: (line: string) => void,
): Promise<FaultRecord[]> {
  const records: FaultRecord[] = [];
  for (const [i, fault] of faults.entries()) {
    await until('never', async () => progress() >= (i + 1) / (faults.length + 1), Infinity);
    await sleep(500 + Math.random() * 2_500);
    const record: FaultRecord = { fault, at: new Date() };
    records.push(record);
    const started = Date.now();
    log(`[chaos] fault ${i + 1}/${faults.length}: ${describeFault(fault, plan)}`);
    try {
      await inflict(stack, fault, plan);
      record.recoveredMs = Date.now() - started;
      log(`[chaos]   recovered in ${(record.recoveredMs / 1000).toFixed(1)} s`);
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
      log(`[chaos]   ${record.error}`);
    }
  }
  return records;
}

export const describeFault = (fault: Fault, plan: FaultPlan) =>
  fault.kind === 'kill'
    ? `SIGKILL ${fault.target}`
    : fault.kind === 'temporal'
      ? 'SIGKILL the Temporal dev server'
      : `SIGSTOP redis for ${plan.redisPauseMs / 1000} s`;

/** The faults as a row of the report: each must have been recovered from. */
export function faultReport(records: FaultRecord[], plan: FaultPlan, stack: LocalStack): CheckResult {
  const kills = records.filter((r) => r.fault.kind === 'kill');
  const byTarget = new Map<string, number>();
  for (const r of kills) if (r.fault.kind === 'kill') byTarget.set(r.fault.target, (byTarget.get(r.fault.target) ?? 0) + 1);
  const recovery = records.flatMap((r) => (r.recoveredMs === undefined ? [] : [r.recoveredMs])).sort((a, b) => a - b);
  return {
    name: 'faults',
    checked: `${records.length} faults`,
    figures: [
      `SIGKILLs: ${kills.length} (${[...byTarget.entries()].map(([t, n]) => `${t} ${n}`).join(', ')}); Temporal restarts: ${records.filter((r) => r.fault.kind === 'temporal').length}; Redis pauses: ${records.filter((r) => r.fault.kind === 'redis').length} x ${plan.redisPauseMs / 1000} s`,
      `restarts by the supervisor: ${
        stack.processes
          .filter((p) => p.restarts > 0)
          .map((p) => `${p.name} ${p.restarts}`)
          .join(', ') || 'none'
      }`,
      ...(recovery.length
        ? [
            `answering again after: median ${(recovery[Math.floor(recovery.length / 2)]! / 1000).toFixed(1)} s, max ${(recovery.at(-1)! / 1000).toFixed(1)} s`,
          ]
        : []),
    ],
    breaches: records.flatMap((r) => (r.error ? [`${describeFault(r.fault, plan)}: ${r.error}`] : [])),
  };
}
