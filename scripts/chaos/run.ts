// One chaos run: the whole stack started as `npm start` starts it (compiled when
// run from dist/, file databases in a temporary directory, every process
// supervised), a mixed workload through the public API while real faults hit it
// (faults.ts), a drain until it comes to rest (drain.ts), then the audit of its
// books (../audit) plus the run's own rows: what each scenario's orders ended as
// (workload.ts), the carts (no claim left, no bought line left: carts.ts), every
// fault recovered from, and how the API answered meanwhile.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import type { LocalStack, LocalStackOptions } from '../stack/local.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChecks, type CheckResult } from '../audit/checks.js';
import { breachCount, formatReport } from '../audit/report.js';
import { takeSnapshot } from '../audit/snapshot.js';
import { connectRedis, type Redis } from '../../shared/redis.js';
import { chargeAttempts } from './attempts.js';
import { cartsAtRest, judgeCarts } from './carts.js';
import { apiReport, newStats, ShopClient } from './client.js';
import { drain } from './drain.js';
import { faultReport, planFaults, runFaults, type FaultPlan, type Victim } from './faults.js';
import { addressOf, chaosStackOptions, restartable } from './stack.js';
import { judge, orderRuns, planOrders, runWorkload, seedShop, type Mix } from './workload.js';

export interface ChaosConfig extends FaultPlan {
  orders: number;
  /** Customers placing orders at once, one client each. */
  concurrency: number;
  mix: Mix;
  /** Units of the scarce sku: fewer than its orders ask for, so some end OUT_OF_STOCK. */
  scarceUnits: number;
  /** The saga's approval timeout (orders above the threshold that nobody approves). */
  approvalTimeout: string;
  /** How long tok_slow makes the provider take: above the charge activity's 30 s timeout. */
  slowPaymentMs: number;
  drainMs: number;
  /** Keep the data directory (logs, databases) even after a clean run. */
  keepData: boolean;
  log: (line: string) => void;
  /** What starts the stack: `npm start`'s by default, the local cluster (stack/cluster.ts) for a run on it. */
  start?: (options: LocalStackOptions) => Promise<LocalStack>;
}

export interface ChaosOutcome {
  results: CheckResult[];
  breaches: number;
  report: string;
  dataDir: string;
}

async function withRedis<T>(url: string, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = connectRedis(url);
  try {
    return await use(redis);
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

/** The plan's faults in one line, for the report's heading. */
export const describePlan = (plan: FaultPlan) =>
  `${plan.kills} SIGKILLs of services, workers and gateway, ${plan.temporalRestarts} of Temporal, ${plan.mongoKills} of MongoDB, ${plan.redisKills} of Redis, ${plan.redisPauses} Redis pauses of ${plan.redisPauseMs / 1000} s, ${plan.powerCuts} power cuts`;

export async function runChaos(config: ChaosConfig): Promise<ChaosOutcome> {
  const { log } = config;
  const started = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'sagashop-chaos-'));
  // Reachable by the `postgres` user, whose PostgreSQL the cluster keeps inside it.
  chmodSync(dataDir, 0o755);
  const options = chaosStackOptions(dataDir, log, {
    APPROVAL_TIMEOUT: config.approvalTimeout,
    SIMULATOR_SLOW_MS: String(config.slowPaymentMs),
  });
  let victim: Victim | undefined;
  let results: CheckResult[];
  try {
    log(`[chaos] starting the stack (data and logs: ${dataDir})`);
    victim = await restartable(options, config.start);
    const { stack } = victim;
    const address = addressOf(stack);
    const stats = newStats();
    const shop = await seedShop(new ShopClient(`${stack.system.gatewayUrl}/api/v1`, stats), config.concurrency, config.scarceUnits);
    const plan = planOrders(config.orders, config.mix);
    const faults = planFaults(
      config,
      stack.system.processes.map((p) => p.name),
    );
    log(`[chaos] ${config.orders} orders by ${config.concurrency} customers, ${faults.length} faults`);

    let placed = 0;
    const faultsDone = runFaults(victim, faults, config, () => placed / config.orders, log);
    const runs = await runWorkload(shop, orderRuns(plan), (n) => {
      placed = n;
      if (n % 50 === 0) log(`[chaos] ${n} orders begun`);
    });
    const faultRecords = await faultsDone;
    log(`[chaos] workload done; draining (at most ${config.drainMs / 1000} s)`);
    const drained = await drain(address, config.drainMs, log);
    log(`[chaos] ${drained.rested ? 'at rest' : 'NOT at rest'} after ${drained.seconds.toFixed(0)} s; auditing`);

    // Judged with no grace: whatever still moves after the drain is a breach.
    const snapshot = await takeSnapshot(address);
    const workload = judge(runs, new Map(snapshot.orders.map((o) => [o.orderId, o])));
    const carts = judgeCarts(await withRedis(victim.stack.redis.value, (redis) => cartsAtRest(shop, runs, redis)));
    const slow = await chargeAttempts(
      address,
      runs.flatMap((r) => (r.scenario === 'slow' && r.orderId ? [r.orderId] : [])),
    );
    if (slow.length)
      workload.figures.push(
        `slow charges took ${slow.filter((a) => a > 1).length} of ${slow.length} more than one ${config.slowPaymentMs > 30_000 ? '30 s ' : ''}attempt (attempts: ${slow.sort((a, b) => a - b).join(', ')})`,
      );
    results = [
      ...runChecks(snapshot, { pendingGraceMs: 0 }),
      workload,
      carts,
      faultReport(faultRecords, config, victim, new Date(started)),
      {
        name: 'drain',
        checked: `${drained.seconds.toFixed(0)} s`,
        figures: [drained.rested ? 'came to rest' : `not at rest within ${config.drainMs / 1000} s`],
        breaches: drained.rested ? [] : drained.moving,
      },
      apiReport(stats, (Date.now() - started) / 1000),
    ];
  } finally {
    await victim?.stack.stop();
  }
  const breaches = breachCount(results);
  const report = formatReport(results, `sagashop chaos run, ${new Date().toISOString()}: ${config.orders} orders, ${describePlan(config)}`);
  if (breaches === 0 && !config.keepData) rmSync(dataDir, { recursive: true, force: true });
  return { results, breaches, report, dataDir };
}
