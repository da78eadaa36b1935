// `npm run bench`: places orders through the gateway on a freshly started local
// stack and prints throughput, latencies and memory. Figures only, no pass/fail:
// the machines are shared and noisy. BENCH_ORDERS (default 100), BENCH_CONCURRENCY
// (default 10) and BENCH_POLL_MS (default 250) size the run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { z } from 'zod';
import { parseEnv } from '../shared/config.js';
import { startMongo, startRedis, startTemporal } from './stack/infra.js';
import { startSystem } from './stack/system.js';

const env = parseEnv(z.object({
  BENCH_ORDERS: z.coerce.number().int().positive().default(100),
  BENCH_CONCURRENCY: z.coerce.number().int().positive().default(10),
  /** How often each client looks at its order; every look is a read-model read plus a workflow query. */
  BENCH_POLL_MS: z.coerce.number().int().positive().default(250),
  BENCH_SKUS: z.coerce.number().int().positive().default(1),
}));

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

async function json(res: Response): Promise<any> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

/** Resident memory (MiB) and CPU time used so far (s) of a process, from ps. */
function usage(pid: number | undefined): { rssMb: number; cpuSeconds: number } {
  if (!pid) return { rssMb: NaN, cpuSeconds: NaN };
  try {
    const [rss, time] = execFileSync('ps', ['-o', 'rss=,cputimes=', '-p', String(pid)], { encoding: 'utf8' }).trim().split(/\s+/);
    return { rssMb: Number(rss) / 1024, cpuSeconds: Number(time) };
  } catch {
    return { rssMb: NaN, cpuSeconds: NaN };
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sagashop-bench-'));
  const opts = { dataDir, logDir: join(dataDir, 'logs'), persistent: false };
  const infra = await Promise.all([startMongo(opts), startRedis(opts), startTemporal(opts)]);
  const [mongo, redis, temporal] = infra;
  const system = await startSystem({
    mongoUrl: mongo.value, redisUrl: redis.value, temporalAddress: temporal.value.address,
    temporalNamespace: temporal.value.namespace, logDir: opts.logDir, prefix: 'bench_',
    env: { SEED_DEMO: 'true', RATE_LIMIT_PER_USER: '1000000', RATE_LIMIT_PER_IP: '1000000' },
  });
  const api = `${system.gatewayUrl}/api/v1`;
  try {
    const admin = await json(await fetch(`${api}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'admin@sagashop.dev', password: 'admin-password-123' }) }));
    const adminAuth = { Authorization: `Bearer ${admin.accessToken}`, 'Content-Type': 'application/json' };
    // BENCH_SKUS=1 makes every order contend for one stock record; more spread them out.
    const skus = Array.from({ length: env.BENCH_SKUS }, (_, i) => `BENCH-WIDGET-${i + 1}`);
    for (const sku of skus) {
      await json(await fetch(`${api}/products/${sku}`, { method: 'PUT', headers: adminAuth, body: JSON.stringify({ name: `Bench widget ${sku}`, description: 'for benchmarks', priceCents: 1000, currency: 'EUR' }) }));
      await json(await fetch(`${api}/inventory/${sku}`, { method: 'PUT', headers: adminAuth, body: JSON.stringify({ available: env.BENCH_ORDERS * 2 }) }));
    }
    const email = `bench-${Date.now()}@example.com`;
    await json(await fetch(`${api}/auth/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password: 'bench-password-1', name: 'Bench' }) }));
    const login = await json(await fetch(`${api}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password: 'bench-password-1' }) }));
    const auth = { Authorization: `Bearer ${login.accessToken}`, 'Content-Type': 'application/json' };
    const bodyFor = (i: number) => JSON.stringify({ items: [{ sku: skus[i % skus.length], quantity: 1 }], paymentToken: 'tok_visa', shippingAddress: { name: 'Bench', line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' } });

    const accepted: number[] = [];
    const confirmed: number[] = [];
    let slowPolls = 0;
    const started = Date.now();
    await pool(Array.from({ length: env.BENCH_ORDERS }, (_, i) => i), env.BENCH_CONCURRENCY, async (i) => {
      const t0 = Date.now();
      const placed = await json(await fetch(`${api}/orders`, { method: 'POST', headers: { ...auth, 'Idempotency-Key': `bench-${started}-${i}` }, body: bodyFor(i) }));
      accepted.push(Date.now() - t0);
      for (;;) {
        // A slow answer under load is a figure, not a failure: count it and look again.
        const res = await fetch(`${api}/orders/${placed.orderId}`, { headers: auth });
        if (res.status >= 500) { slowPolls += 1; await res.text(); continue; }
        const order = await json(res);
        if (order.status === 'CONFIRMED' || order.status === 'CANCELLED' || order.status === 'FAILED') {
          if (order.status !== 'CONFIRMED') throw new Error(`order ${placed.orderId} ended ${order.status}`);
          confirmed.push(Date.now() - t0);
          return;
        }
        await new Promise((r) => setTimeout(r, env.BENCH_POLL_MS));
      }
    });
    const seconds = (Date.now() - started) / 1000;
    accepted.sort((a, b) => a - b);
    confirmed.sort((a, b) => a - b);
    console.log(`\nsagashop order benchmark: ${env.BENCH_ORDERS} orders over ${env.BENCH_SKUS} sku(s), concurrency ${env.BENCH_CONCURRENCY}, poll ${env.BENCH_POLL_MS} ms`);
    console.log(`  throughput            ${(env.BENCH_ORDERS / seconds).toFixed(1)} orders/s confirmed end to end (${seconds.toFixed(1)} s)`);
    console.log(`  POST /orders -> 202   p50 ${fmt(percentile(accepted, 50))}  p95 ${fmt(percentile(accepted, 95))}  max ${fmt(accepted.at(-1)!)}`);
    console.log(`  order views answered 5xx (overload) ${slowPolls}`);
    console.log(`  placed -> CONFIRMED   p50 ${fmt(percentile(confirmed, 50))}  p95 ${fmt(percentile(confirmed, 95))}  max ${fmt(confirmed.at(-1)!)}`);
    // CPU time includes start-up; it shows where the two cores went.
    console.log('  per process after the run:   resident memory, CPU time since start');
    const processes = [...infra.flatMap((s) => (s.managed ? [s.managed] : [])), ...system.processes];
    for (const p of processes) {
      const { rssMb, cpuSeconds } = usage(p.child.pid);
      console.log(`    ${p.name.padEnd(14)} ${rssMb.toFixed(0).padStart(5)} MiB ${cpuSeconds.toFixed(0).padStart(6)} s`);
    }
  } finally {
    await system.stop();
    await Promise.all(infra.map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
