// `npm run bench`: starts the stack exactly as `npm start` runs it (compiled
// processes, the file databases of Temporal and MongoDB, in a temporary
// directory) and, beside it, a plain floor worker (scripts/bench/floor-worker.ts:
// a Node process of its own with Node's and the SDK's defaults), and measures,
// in one run on the same Temporal server:
//   saga-wait     POST /orders with `Prefer: wait=30` → 201 CONFIRMED, through the gateway
//   saga-poll     POST /orders → 202, then GET every BENCH_POLL_MS until CONFIRMED
//   B2            the engine floor: a workflow of 12 no-op activities over as many task
//                 queues as the saga's, on the plain floor worker
//   B3            the same with 12 local activities, on the plain floor worker
//   B2-on-orders  B2 on the orders service's own worker and the saga's queues (what the
//                 bench measured before issue 21: that worker also serves the service)
// each alone (solo latency), in a closed loop of BENCH_CONCURRENCY clients
// (throughput; in BENCH_ROUNDS rounds, the scenarios taking turns), and saga-wait
// and B2 in an open loop at BENCH_OPEN_LOAD of the saga's closed-loop rate
// (p50/p95/p99 under a steady arrival rate); plus the resident memory of every
// process of the stack (with whatever each started) idle and after the run, the
// idle totals, and the CPU each used during the saga's closed loop. Figures only,
// never a pass/fail: the machines are shared
// and noisy, so only the ratios to the floor measured in the same run mean much.
//
// BENCH_CLUSTER=true runs the same on the local Temporal cluster (docs/cluster.md:
// PostgreSQL, frontend, two history hosts, matching, worker), once per entry of
// BENCH_REPLICAS (processes per sagashop service, e.g. `1,2`), each on a cluster
// of its own with its own floor worker, one after the other in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { z } from 'zod';
import { parseEnv } from '../shared/config.js';
import { closedLoop, openLoop, solo, type Operation } from './bench/load.js';
import { engineFloor, sagaPolling, sagaWaiting } from './bench/scenarios.js';
import { seedShop } from './bench/shop.js';
import { ms, ratio, summarize } from './bench/stats.js';
import { startFloorWorker } from './bench/floor.js';
import { cpuSecondsBetween, sumUsage, usageOf, type Usage } from './bench/usage.js';
import type { Managed } from './stack/processes.js';
import { startLocalStack, type LocalStack, type LocalStackOptions } from './stack/local.js';
import { DEFAULT_LAYOUT } from './stack/system.js';
import { startClusterStack } from './stack/cluster.js';

const env = parseEnv(
  z.object({
    /** Operations of each scenario in the closed loop. */
    BENCH_ORDERS: z.coerce.number().int().positive().default(150),
    /** The closed loops run in this many rounds, each scenario in turn within a round (BENCH_ORDERS split between them). */
    BENCH_ROUNDS: z.coerce.number().int().positive().max(50).default(3),
    BENCH_CONCURRENCY: z.coerce.number().int().positive().default(10),
    /** Operations of each scenario one at a time. */
    BENCH_SOLO: z.coerce.number().int().positive().default(25),
    /** Open-loop arrival rate as a share of the saga's closed-loop throughput, and how long it runs. */
    BENCH_OPEN_LOAD: z.coerce.number().positive().max(2).default(0.6),
    BENCH_OPEN_SECONDS: z.coerce.number().int().positive().default(30),
    BENCH_POLL_MS: z.coerce.number().int().positive().default(100),
    /**
     * The rows besides saga-wait and B2 (always run: the ratios compare them); fewer rows make a
     * shorter run on a busy machine, e.g. `BENCH_ROWS=` for those two alone.
     */
    BENCH_ROWS: z
      .string()
      .regex(/^(?:(?:saga-poll|B3|B2-on-orders)(?:,(?:saga-poll|B3|B2-on-orders))*)?$/, 'comma-separated rows: saga-poll, B3, B2-on-orders')
      .default('saga-poll,B3,B2-on-orders'),
    /** Skus the orders spread over (1: every order contends for one stock document). */
    BENCH_SKUS: z.coerce.number().int().positive().default(20),
    /** false: in-memory databases instead of the files `npm start` uses. */
    BENCH_PERSISTENT: z.enum(['true', 'false']).default('true'),
    /**
     * On the dev server: the process layout(s) of the stack, one bench per entry (`one,each`
     * compares them in one run); npm start's layout unless set.
     */
    BENCH_PROCESSES: z
      .string()
      .regex(/^(?:one|each)(?:,(?:one|each))*$/, 'comma-separated layouts: one, each')
      .default(DEFAULT_LAYOUT),
    /** true: on the local Temporal cluster instead of the dev server. */
    BENCH_CLUSTER: z.enum(['true', 'false']).default('false'),
    /** With BENCH_CLUSTER: processes per sagashop service, one bench per entry. */
    BENCH_REPLICAS: z
      .string()
      .regex(/^[1-9](?:,[1-9])*$/, 'comma-separated replica counts, e.g. 1,2')
      .default('1,2'),
  }),
);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const row = (cells: Array<string | number>, widths: number[]) => cells.map((c, i) => String(c).padEnd(widths[i] ?? 10)).join('  ');

interface Target {
  /** What the figures were measured on, as the report's title says it. */
  label: string;
  start(opts: LocalStackOptions): Promise<LocalStack>;
}

const targets = (): Target[] =>
  env.BENCH_CLUSTER === 'true'
    ? env.BENCH_REPLICAS.split(',').map((n) => ({
        label: `Temporal cluster (PostgreSQL, 2 history hosts, 4 shards), ${n} replica${n === '1' ? '' : 's'} of every service`,
        start: (opts: LocalStackOptions) => startClusterStack({ ...opts, replicas: Number(n) }),
      }))
    : env.BENCH_PROCESSES.split(',').map((layout) => ({
        label: `Temporal dev server, ${layout === 'one' ? 'every service and the gateway in one process' : 'a process per service and one for the gateway'}${layout === DEFAULT_LAYOUT ? ' (as npm start)' : ''}`,
        start: (opts: LocalStackOptions) => startLocalStack({ ...opts, processes: layout === 'one' ? 'one' : 'each' }),
      }));

async function bench(target: Target): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sagashop-bench-'));
  const opts = { dataDir, logDir: join(dataDir, 'logs'), persistent: env.BENCH_PERSISTENT === 'true' };
  let stack: LocalStack | undefined;
  let connection: Connection | undefined;
  let floor: Managed | undefined;
  try {
    stack = await target.start({
      ...opts,
      prefix: 'bench_',
      env: { SEED_DEMO: 'true', RATE_LIMIT_PER_USER: '100000000', RATE_LIMIT_PER_IP: '100000000' },
    });
    const { system, temporal, processes } = stack;
    floor = await startFloorWorker(temporal.value, opts.logDir);
    // The stack's processes, and last the floor worker (not part of the stack's totals).
    const watched = [...processes, floor];
    const usage = () => new Map(watched.map((p) => [p.name, usageOf(p.child.pid)]));

    const shop = await seedShop(`${system.gatewayUrl}/api/v1`, env.BENCH_SKUS, env.BENCH_POLL_MS);
    // As a newcomer's `npm start` idles: started and seeded, before any order.
    await sleep(10_000);
    const fresh = usage();
    connection = await Connection.connect({ address: temporal.value.address });
    const client = new Client({ connection, namespace: temporal.value.namespace });
    const rows = new Set(env.BENCH_ROWS.split(','));
    const optional: Record<string, Operation> = {
      'saga-poll': sagaPolling(shop),
      B3: engineFloor(client, 'engineFloorLocal', true),
      'B2-on-orders': engineFloor(client, 'engineFloor'),
    };
    const scenarios: Record<string, Operation> = {
      'saga-wait': sagaWaiting(shop),
      B2: engineFloor(client, 'engineFloor', true),
      ...Object.fromEntries(Object.entries(optional).filter(([name]) => rows.has(name))),
    };

    // Warm up every path (JIT, connection pools, workflow caches), then let the stack settle before the idle reading.
    for (const op of Object.values(scenarios)) await closedLoop(20, 4, op);
    await sleep(10_000);
    const idle = usage();
    // And once the runtimes have had time to give back what the burst took (V8's memory reducer
    // runs its collections seconds apart once allocation has slowed; Go's scavenger paces itself).
    await sleep(50_000);
    const settled = usage();

    const soloP50: Record<string, number> = {};
    for (const [name, op] of Object.entries(scenarios)) soloP50[name] = summarize(await solo(env.BENCH_SOLO, op)).p50;

    // The closed loops in BENCH_ROUNDS rounds, every scenario in turn within a round: on a shared
    // machine whose speed drifts during a run, saga and floor then share the slow and the fast spells.
    const loops: Record<string, { seconds: number; latencies: number[]; cpuSeconds: Map<string, number> }> = {};
    for (let round = 0; round < env.BENCH_ROUNDS; round++) {
      const count = Math.floor(env.BENCH_ORDERS / env.BENCH_ROUNDS) + (round < env.BENCH_ORDERS % env.BENCH_ROUNDS ? 1 : 0);
      if (count === 0) continue;
      for (const [name, op] of Object.entries(scenarios)) {
        const before = usage();
        const result = await closedLoop(count, env.BENCH_CONCURRENCY, op);
        const after = usage();
        const loop = (loops[name] ??= { seconds: 0, latencies: [], cpuSeconds: new Map() });
        loop.seconds += result.seconds;
        loop.latencies.push(...result.latencies);
        for (const { name: p } of watched)
          loop.cpuSeconds.set(p, (loop.cpuSeconds.get(p) ?? 0) + cpuSecondsBetween(before.get(p)!, after.get(p)!));
      }
    }
    const closed: Record<string, { perSecond: number; p50: number; p95: number; seconds: number }> = {};
    const cpu: Record<string, Map<string, number>> = {};
    for (const [name, loop] of Object.entries(loops)) {
      cpu[name] = new Map([...loop.cpuSeconds].map(([p, seconds]) => [p, seconds / loop.seconds]));
      const s = summarize(loop.latencies);
      closed[name] = { perSecond: loop.latencies.length / loop.seconds, p50: s.p50, p95: s.p95, seconds: loop.seconds };
    }

    const rate = closed['saga-wait']!.perSecond * env.BENCH_OPEN_LOAD;
    const open: Record<string, ReturnType<typeof summarize> & { failed: number; completedPerSecond: number }> = {};
    for (const name of ['saga-wait', 'B2']) {
      const result = await openLoop(rate, env.BENCH_OPEN_SECONDS, scenarios[name]!);
      open[name] = { ...summarize(result.latencies), failed: result.failed, completedPerSecond: result.completedPerSecond };
    }
    const after = usage();

    const persistence = opts.persistent ? 'file databases (as npm start)' : 'in-memory databases';
    console.log(
      `\nsagashop benchmark, ${new Date().toISOString().slice(0, 10)}, ${target.label}: ${persistence}, ${env.BENCH_SKUS} skus, concurrency ${env.BENCH_CONCURRENCY}, ${env.BENCH_ORDERS} per closed loop in ${env.BENCH_ROUNDS} round${env.BENCH_ROUNDS === 1 ? '' : 's'}, ${env.BENCH_SOLO} solo, poll ${env.BENCH_POLL_MS} ms`,
    );
    const w1 = [12, 12, 16, 12, 12];
    console.log(`\n${row(['scenario', 'solo p50', 'closed loop /s', 'loop p50', 'loop p95'], w1)}`);
    for (const name of Object.keys(scenarios)) {
      const c = closed[name]!;
      console.log(row([name, ms(soloP50[name]!), c.perSecond.toFixed(2), ms(c.p50), ms(c.p95)], w1));
    }
    const w2 = [12, 14, 14, 10, 10, 10, 8];
    console.log(
      `\nopen loop at ${rate.toFixed(2)}/s (${(env.BENCH_OPEN_LOAD * 100).toFixed(0)}% of the saga's closed-loop rate) for ${env.BENCH_OPEN_SECONDS} s`,
    );
    console.log(row(['scenario', 'completed /s', 'p50', 'p95', 'p99', 'p99/p50', 'failed'], w2));
    for (const [name, o] of Object.entries(open))
      console.log(row([name, o.completedPerSecond.toFixed(2), ms(o.p50), ms(o.p95), ms(o.p99), ratio(o.p99 / o.p50), o.failed], w2));

    const b2 = closed.B2!;
    const saga = closed['saga-wait']!;
    console.log('\nratios to the plain floor B2, same run (targets of issue 21 in brackets)');
    console.log(
      `  saga orders/s / B2 workflows/s at concurrency ${env.BENCH_CONCURRENCY}: ${ratio(saga.perSecond / b2.perSecond)}  [>= 0.8x]`,
    );
    console.log(`  saga solo p50 / B2 solo p50:                  ${ratio(soloP50['saga-wait']! / soloP50.B2!)}  [<= 1.2x]`);
    console.log(`  saga p99 / p50 in the open loop:              ${ratio(open['saga-wait']!.p99 / open['saga-wait']!.p50)}  [< 3x]`);
    const onOrders = closed['B2-on-orders'];
    if (onOrders)
      console.log(
        `  B2-on-orders / B2, throughput and solo p50:   ${ratio(onOrders.perSecond / b2.perSecond)}, ${ratio(soloP50['B2-on-orders']! / soloP50.B2!)}`,
      );
    const polled = soloP50['saga-poll'];
    if (polled !== undefined) console.log(`  polling vs Prefer: wait, solo p50:            ${ms(polled)} vs ${ms(soloP50['saga-wait']!)}`);

    // At concurrency 10 both loops keep every core of a small machine busy, so each one's
    // throughput is bounded by the CPU one operation costs, summed over every process.
    const cpuPerOperation = (name: string) => {
      const shares = [...cpu[name]!].filter(([, share]) => share > 0.005);
      const perOp = shares.map(([process, share]) => [process, (share * closed[name]!.seconds * 1000) / env.BENCH_ORDERS] as const);
      return { total: perOp.reduce((sum, [, coreMs]) => sum + coreMs, 0), perOp: perOp.sort((a, b) => b[1] - a[1]) };
    };
    const sagaCpu = cpuPerOperation('saga-wait');
    const floorCpu = cpuPerOperation('B2');
    const breakdown = ({ perOp }: ReturnType<typeof cpuPerOperation>) => perOp.map(([p, coreMs]) => `${p} ${coreMs.toFixed(0)}`).join(', ');
    console.log('\nCPU per operation in the closed loop (core-ms, every process of the run; its inverse bounds a loop on a busy machine)');
    console.log(`  saga-wait: ${sagaCpu.total.toFixed(0)}  (${breakdown(sagaCpu)})`);
    console.log(`  B2:        ${floorCpu.total.toFixed(0)}  (${breakdown(floorCpu)})`);
    console.log(`  B2 / saga-wait: ${ratio(floorCpu.total / sagaCpu.total)}  (the throughput ratio the CPU alone allows)`);

    const w3 = [18, 12, 11, 11, 12, 12, 12, 10];
    console.log(
      '\nper process: resident memory (RSS; PSS counts pages shared with the other processes, like node itself, by their share) as started, idle 10 s and 60 s after the warm-up, and after the run; CPU during the saga-wait closed loop (1.00 = one core)',
    );
    console.log(row(['process', 'started RSS', 'idle RSS', 'idle PSS', '60 s RSS', 'after RSS', 'saga CPU', 'B2 CPU'], w3));
    const fmtMb = (u: Usage | undefined) => (u ? `${u.rssMb.toFixed(0)} MiB` : 'n/a');
    const fmtPss = (u: Usage | undefined) => (u ? `${u.pssMb.toFixed(0)} MiB` : 'n/a');
    for (const p of watched) {
      console.log(
        row(
          [
            p.name,
            fmtMb(fresh.get(p.name)),
            fmtMb(idle.get(p.name)),
            fmtPss(idle.get(p.name)),
            fmtMb(settled.get(p.name)),
            fmtMb(after.get(p.name)),
            (cpu['saga-wait']!.get(p.name) ?? NaN).toFixed(2),
            (cpu.B2!.get(p.name) ?? NaN).toFixed(2),
          ],
          w3,
        ),
      );
    }
    const nodeNames = new Set(system.processes.map((p) => p.name));
    const totals = (reading: Map<string, Usage>) => {
      const total = (names: (name: string) => boolean) =>
        [...reading].filter(([name]) => names(name)).reduce((sum, [, u]) => sumUsage(sum, u), { rssMb: 0, pssMb: 0, cpuSeconds: 0 });
      return { whole: total((name) => name !== floor!.name), node: total((name) => nodeNames.has(name)) };
    };
    const megabytes = (mib: number) => ((mib * 1024 * 1024) / 1e6).toFixed(0);
    const memoryLines = (label: string, reading: Map<string, Usage>) => {
      const { whole, node } = totals(reading);
      return [
        `  ${label}:`,
        `    every process (${reading.size - 1}: Node, JVM, Temporal, Redis${env.BENCH_CLUSTER === 'true' ? ', PostgreSQL, Web UI' : ''}): ${whole.rssMb.toFixed(0)} MiB RSS (${megabytes(whole.rssMb)} MB), ${whole.pssMb.toFixed(0)} MiB PSS`,
        `    Node (${nodeNames.size} process${nodeNames.size === 1 ? '' : 'es'}):${' '.repeat(26)}${node.rssMb.toFixed(0)} MiB RSS (${megabytes(node.rssMb)} MB), ${node.pssMb.toFixed(0)} MiB PSS`,
      ].join('\n');
    };
    console.log(
      `\nidle stack, resident memory [issue 21: <= 600 MB in all, Node <= 300 MB]:\n${memoryLines('started and seeded, before any order', fresh)}\n${memoryLines('10 s after the warm-up (per process above)', idle)}\n${memoryLines('60 s after the warm-up', settled)}`,
    );
  } finally {
    await floor?.stop();
    await connection?.close();
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

for (const target of targets()) await bench(target);
