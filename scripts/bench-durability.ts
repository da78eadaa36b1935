// `npm run bench:durability`: what the durable writes of the `npm start` stack cost
// the saga (docs/operations.md, Durability). The stack is started as `npm start` runs it (compiled
// processes, file databases in a temporary directory) once with durable writes
// (mongo-java-server commits each write command to its file before answering, Redis
// appends and fsyncs each write) and once with the servers' lazier defaults (H2's
// background commit once a second, Redis `appendfsync everysec`), in interleaved rounds
// so a noisy minute of a shared machine shows as a spread rather than as a difference.
// Each round measures the saga (POST /orders with `Prefer: wait`) alone (solo p50) and
// in a closed loop of DURABILITY_CONCURRENCY clients (orders/s). Figures only.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { parseEnv } from '../shared/config.js';
import { closedLoop, solo } from './bench/load.js';
import { sagaWaiting } from './bench/scenarios.js';
import { seedShop } from './bench/shop.js';
import { ms, ratio, summarize } from './bench/stats.js';
import { startLocalStack } from './stack/local.js';

const env = parseEnv(
  z.object({
    DURABILITY_ORDERS: z.coerce.number().int().positive().default(120),
    DURABILITY_CONCURRENCY: z.coerce.number().int().positive().default(10),
    DURABILITY_SOLO: z.coerce.number().int().positive().default(20),
    DURABILITY_ROUNDS: z.coerce.number().int().positive().default(2),
    DURABILITY_SKUS: z.coerce.number().int().positive().default(20),
  }),
);

interface Figures {
  perSecond: number;
  soloP50: number;
  /** The H2 file after the round (the bounded-file promise, under the saga's writes). */
  mongoFileMb: number;
}

const variants = [
  { name: 'durable writes', durableWrites: true },
  { name: 'background commits', durableWrites: false },
] as const;

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

async function round(durableWrites: boolean): Promise<Figures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sagashop-durability-'));
  const stack = await startLocalStack({
    dataDir,
    logDir: join(dataDir, 'logs'),
    persistent: true,
    durableWrites,
    prefix: 'bench_',
    env: { SEED_DEMO: 'true', RATE_LIMIT_PER_USER: '100000000', RATE_LIMIT_PER_IP: '100000000' },
  });
  try {
    const shop = await seedShop(`${stack.system.gatewayUrl}/api/v1`, env.DURABILITY_SKUS, 100);
    const saga = sagaWaiting(shop);
    await closedLoop(20, 4, saga); // warm-up: JIT, connection pools, workflow caches
    const soloP50 = summarize(await solo(env.DURABILITY_SOLO, saga)).p50;
    const loop = await closedLoop(env.DURABILITY_ORDERS, env.DURABILITY_CONCURRENCY, saga);
    const mongoFileMb = statSync(join(dataDir, 'mongo', 'mongo-java-server.mv'), { throwIfNoEntry: false })?.size ?? NaN;
    return { perSecond: loop.perSecond, soloP50, mongoFileMb: mongoFileMb / 1e6 };
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results = new Map<string, Figures[]>(variants.map((v) => [v.name, []]));
for (let r = 1; r <= env.DURABILITY_ROUNDS; r++) {
  for (const variant of variants) {
    const figures = await round(variant.durableWrites);
    results.get(variant.name)!.push(figures);
    console.log(
      `round ${r}, ${variant.name}: ${figures.perSecond.toFixed(2)} orders/s, solo p50 ${ms(figures.soloP50)}, H2 file ${figures.mongoFileMb.toFixed(1)} MB (load ${load()})`,
    );
  }
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const of = (name: string, key: keyof Figures) => mean(results.get(name)!.map((f) => f[key]));
console.log(
  `\nsaga with durable writes vs background commits, ${new Date().toISOString()}: ${env.DURABILITY_ROUNDS} interleaved rounds,` +
    ` closed loop of ${env.DURABILITY_ORDERS} orders by ${env.DURABILITY_CONCURRENCY} clients, ${env.DURABILITY_SOLO} solo (means of the rounds)\n`,
);
console.log('| writes | orders/s | solo p50 |');
console.log('|---|---|---|');
for (const { name } of variants) console.log(`| ${name} | ${of(name, 'perSecond').toFixed(2)} | ${ms(of(name, 'soloP50'))} |`);
const [durable, lazy] = variants.map((v) => v.name);
console.log(`\nthroughput, durable / background: ${ratio(of(durable!, 'perSecond') / of(lazy!, 'perSecond'))}  [>= 0.90x]`);
console.log(`solo p50, durable / background:   ${ratio(of(durable!, 'soloP50') / of(lazy!, 'soloP50'))}`);
