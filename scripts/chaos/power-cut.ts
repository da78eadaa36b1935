// One power-cut trial (issue 17), as a new user would try it: the stack started
// as `npm start` starts it on a data directory, orders placed through the API
// (paid, declined, flaky, some cancelled), and a few seconds in every process of
// the stack SIGKILLed at once; then the stack started again on the same data
// directory. The customers keep resending with the same Idempotency-Key through
// the outage. Every order placed before the cut (its placing answered) must be
// final within the bound once the stack is back; then the whole stack must come
// to rest and the audit (scripts/audit) and the workload's judgement be clean.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChecks, settling, type CheckResult } from '../audit/checks.js';
import { breachCount, formatReport } from '../audit/report.js';
import { takeSnapshot, type Snapshot, type StackAddress } from '../audit/snapshot.js';
import { apiReport, newStats, ShopClient } from './client.js';
import { drain } from './drain.js';
import { DEFAULT_LAYOUT, type ProcessLayout } from '../stack/system.js';
import { addressOf, chaosStackOptions, restartable } from './stack.js';
import type { Victim } from './faults.js';
import { DEFAULT_MIX, judge, orderRuns, planOrders, runWorkload, seedShop, type Mix } from './workload.js';

export interface PowerCutConfig {
  orders: number;
  /** Customers placing orders at once (each waits for its order to leave PENDING before the next). */
  concurrency: number;
  /** When the power goes, after the first order was begun. */
  cutAfterMs: number;
  /** How long, once the stack answers again, the orders placed before the cut may take to be final. */
  finalWithinMs: number;
  /** How long the whole stack may then take to come to rest (notifications included). */
  drainMs: number;
  keepData: boolean;
  /** How the shop's processes are laid out (npm start's by default: all in one). */
  processes?: ProcessLayout;
  log: (line: string) => void;
}

export interface PowerCutOutcome {
  results: CheckResult[];
  breaches: number;
  report: string;
  dataDir: string;
}

/** Paid, flaky, declined and cancelled orders: every path that moves money and stock, none that waits for a person. */
export const POWER_CUT_MIX: Mix = {
  ...Object.fromEntries(Object.keys(DEFAULT_MIX).map((s) => [s, 0])),
  ok: 24,
  flaky: 10,
  declined: 10,
  cancel: 14,
} as Mix;

/** Statuses a saga leaves only when a person acts (or never): the order is final in them. */
const FINAL = ['CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'FAILED'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Why each of these orders is not final yet (none: all are). */
function notFinal(snapshot: Snapshot, orderIds: string[]): string[] {
  const byId = new Map(snapshot.orders.map((o) => [o.orderId, o]));
  return orderIds.flatMap((orderId) => {
    const order = byId.get(orderId);
    if (!order) return [`order ${orderId}: no order record${snapshot.workflows.has(orderId) ? '' : ' and no saga'}`];
    const state = settling(order, snapshot.workflows.get(orderId), snapshot, { pendingGraceMs: Infinity });
    if (state.kind !== 'settled') return [`order ${orderId}: ${state.kind === 'in flight' ? state.why : ''}`];
    return FINAL.includes(order.status) ? [] : [`order ${orderId}: ${order.status}`];
  });
}

/** Polls until every order is final or the bound passes; what is still not final, and when it ended. */
async function untilFinal(address: StackAddress, orderIds: string[], boundMs: number): Promise<{ ms: number; pending: string[] }> {
  const started = Date.now();
  for (;;) {
    const pending = notFinal(await takeSnapshot(address), orderIds);
    if (pending.length === 0 || Date.now() - started > boundMs) return { ms: Date.now() - started, pending };
    await sleep(1_000);
  }
}

export async function runPowerCut(config: PowerCutConfig): Promise<PowerCutOutcome> {
  const { log } = config;
  const dataDir = mkdtempSync(join(tmpdir(), 'sagashop-powercut-'));
  let victim: Victim | undefined;
  let results: CheckResult[];
  try {
    log(`[powercut] starting the stack (data and logs: ${dataDir})`);
    victim = await restartable({ ...chaosStackOptions(dataDir, log), processes: config.processes ?? DEFAULT_LAYOUT });
    const address = addressOf(victim.stack);
    const stats = newStats();
    const shop = await seedShop(new ShopClient(`${victim.stack.system.gatewayUrl}/api/v1`, stats), config.concurrency, 4);
    const plan = planOrders(config.orders, POWER_CUT_MIX);
    log(`[powercut] ${config.orders} orders by ${config.concurrency} customers; the power goes ${seconds(config.cutAfterMs)} in`);

    let begun = 0;
    const runs = orderRuns(plan);
    const workload = runWorkload(shop, runs, (n) => (begun = n));
    await sleep(config.cutAfterMs);
    // Placed before the cut: the customer holds the answer naming the order.
    const placedBefore = runs.flatMap((r) => (r.orderId ? [r.orderId] : []));
    const begunBefore = begun;
    const cutAt = Date.now();
    log(`[powercut] power cut: ${begunBefore} orders begun, ${placedBefore.length} placed; every process SIGKILLed`);
    await victim.powerCut();
    const backMs = Date.now() - cutAt;
    log(`[powercut] the stack answers again after ${seconds(backMs)}; waiting for the ${placedBefore.length} orders placed before the cut`);

    const final = await untilFinal(address, placedBefore, config.finalWithinMs);
    log(
      `[powercut] ${final.pending.length === 0 ? 'all final' : `${final.pending.length} NOT final`} ${seconds(final.ms)} after the stack answered again`,
    );
    await workload;
    log(`[powercut] workload done; draining (at most ${config.drainMs / 1000} s)`);
    const drained = await drain(address, config.drainMs, log);
    const snapshot = await takeSnapshot(address);
    results = [
      {
        name: 'power cut',
        checked: `${placedBefore.length} orders placed before`,
        figures: [
          `cut ${seconds(config.cutAfterMs)} after the first order: ${begunBefore} orders begun, ${placedBefore.length} placed (answered); every process SIGKILLed at once`,
          `the stack answered again ${seconds(backMs)} after the cut`,
          `${final.pending.length === 0 ? 'every order placed before the cut final' : `${final.pending.length} orders placed before the cut NOT final`} ${seconds(final.ms)} after the stack answered again (${seconds(backMs + final.ms)} after the cut)`,
          drained.rested
            ? `at rest ${seconds(drained.seconds * 1000)} after the workload`
            : `NOT at rest ${seconds(config.drainMs)} after the workload`,
        ],
        breaches: [
          ...final.pending.map((why) => `placed before the cut, not final within ${seconds(config.finalWithinMs)}: ${why}`),
          ...(drained.rested ? [] : drained.moving.map((why) => `still moving after the drain: ${why}`)),
        ],
      },
      // Judged with no grace: the orders have had their time.
      ...runChecks(snapshot, { pendingGraceMs: 0 }),
      judge(runs, new Map(snapshot.orders.map((o) => [o.orderId, o]))),
      apiReport(stats, (Date.now() - cutAt) / 1000),
    ];
  } finally {
    await victim?.stack.stop();
  }
  const breaches = breachCount(results);
  const report = formatReport(
    results,
    `sagashop power-cut trial, ${new Date().toISOString()}: ${config.orders} orders, every process SIGKILLed ${seconds(config.cutAfterMs)} in`,
  );
  if (breaches === 0 && !config.keepData) rmSync(dataDir, { recursive: true, force: true });
  return { results, breaches, report, dataDir };
}
