// `npm run bench:temporal-flags`: what each of the dev server's tuning flags
// (scripts/stack/infra.ts) buys, measured on the engine floor alone — B2, a
// workflow of 12 no-op activities over the saga's task queues, and B3, the same
// with local activities — against dev servers started with every flag, with all
// but one, and with none, in memory and on a file database as `npm start` runs it.
// The workers run in this process (one per task queue, as the services would),
// so the figures compare flags, not the stack; `npm run bench` measures that.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { z } from 'zod';
import { parseEnv } from '../shared/config.js';
import { silentLogger } from '../shared/temporal/silent-logger.js';
import { closedLoop, solo } from './bench/load.js';
import { engineFloor } from './bench/scenarios.js';
import { ms, summarize } from './bench/stats.js';
import { TEMPORAL_DEV_SERVER_TUNING, TEMPORAL_SQLITE_TUNING, startTemporal } from './stack/infra.js';
import { orderSagaWorkflow } from '../services/orders/temporal/contract.js';
import { SAGA_TASK_QUEUES } from '../shared/domain/vocabulary.js';

const env = parseEnv(
  z.object({
    FLAGS_SOLO: z.coerce.number().int().positive().default(15),
    FLAGS_ORDERS: z.coerce.number().int().positive().default(100),
    FLAGS_CONCURRENCY: z.coerce.number().int().positive().default(10),
    /** Every variant runs this many times, the rounds interleaved, so a noisy minute shows as a spread. */
    FLAGS_ROUNDS: z.coerce.number().int().positive().default(2),
  }),
);
Runtime.install({ logger: new DefaultLogger('WARN') });

/** The tuning as pairs of `--dynamic-config-value key=value`, so one can be left out by its key. */
const dynamicConfig = (): Array<[string, string]> => {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < TEMPORAL_DEV_SERVER_TUNING.length; i += 2)
    pairs.push([TEMPORAL_DEV_SERVER_TUNING[i]!, TEMPORAL_DEV_SERVER_TUNING[i + 1]!]);
  return pairs;
};
const without = (...keys: string[]) =>
  dynamicConfig()
    .filter(([, value]) => !keys.some((key) => value.startsWith(`${key}=`)))
    .flat();

interface Variant {
  name: string;
  flags: readonly string[];
  persistent: boolean;
}

const variants: Variant[] = [
  { name: 'memory, every flag', flags: TEMPORAL_DEV_SERVER_TUNING, persistent: false },
  { name: 'memory, no flag (dev-server defaults)', flags: [], persistent: false },
  { name: 'memory, all but transferProcessorMaxPollRPS', flags: without('history.transferProcessorMaxPollRPS'), persistent: false },
  {
    name: 'memory, all but forceSearchAttributesCacheRefreshOnRead',
    flags: without('system.forceSearchAttributesCacheRefreshOnRead'),
    persistent: false,
  },
  {
    name: 'memory, all but the single partitions',
    flags: without('matching.numTaskqueueReadPartitions', 'matching.numTaskqueueWritePartitions'),
    persistent: false,
  },
  {
    name: 'file, every flag + SQLite WAL (npm start)',
    flags: [...TEMPORAL_DEV_SERVER_TUNING, ...TEMPORAL_SQLITE_TUNING],
    persistent: true,
  },
  { name: 'file, every flag, SQLite defaults', flags: TEMPORAL_DEV_SERVER_TUNING, persistent: true },
  { name: 'file, no flag', flags: [], persistent: true },
];

const workflowBundle = await bundleWorkflowCode({
  workflowsPath: new URL('../workflows/index.ts', import.meta.url).pathname,
  logger: silentLogger,
});
const ping = () => Promise.resolve({});

const rows: string[][] = [];
const runs = Array.from({ length: env.FLAGS_ROUNDS }, () => variants).flat();
for (const variant of runs) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sagashop-flags-'));
  const temporal = await startTemporal({ dataDir, logDir: dataDir, persistent: variant.persistent, temporalFlags: variant.flags });
  const native = await NativeConnection.connect({ address: temporal.value.address });
  const workers = await Promise.all(
    SAGA_TASK_QUEUES.map((taskQueue) =>
      Worker.create({
        connection: native,
        taskQueue,
        activities: { ping },
        ...(taskQueue === orderSagaWorkflow.taskQueue ? { workflowBundle } : {}),
      }),
    ),
  );
  const running = workers.map((w) => w.run());
  const connection = await Connection.connect({ address: temporal.value.address });
  const client = new Client({ connection });
  try {
    await closedLoop(20, env.FLAGS_CONCURRENCY, engineFloor(client, 'engineFloor')); // warm-up: JIT, caches, task queues
    const b2 = summarize(await solo(env.FLAGS_SOLO, engineFloor(client, 'engineFloor')));
    const b3 = summarize(await solo(env.FLAGS_SOLO, engineFloor(client, 'engineFloorLocal')));
    const loop = await closedLoop(env.FLAGS_ORDERS, env.FLAGS_CONCURRENCY, engineFloor(client, 'engineFloor'));
    const row = [variant.name, ms(b2.p50), ms(b3.p50), `${loop.perSecond.toFixed(1)}/s`, ms(summarize(loop.latencies).p50)];
    rows.push(row);
    console.log(row.join(' | '));
  } finally {
    for (const w of workers) w.shutdown();
    await Promise.all(running);
    await connection.close();
    await native.close();
    await temporal.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(`\nTemporal dev server flags, ${new Date().toISOString()}: B2 = 12 no-op activities, B3 = 12 local ones`);
console.log(`solo over ${env.FLAGS_SOLO} runs; closed loop of ${env.FLAGS_ORDERS} B2 runs by ${env.FLAGS_CONCURRENCY} clients\n`);
console.log(`| dev server | B2 solo p50 | B3 solo p50 | B2 closed loop | B2 p50 in the loop |`);
console.log(`|---|---|---|---|---|`);
const sorted = [...rows].sort((a, b) => variants.findIndex((v) => v.name === a[0]) - variants.findIndex((v) => v.name === b[0]));
for (const row of sorted) console.log(`| ${row.join(' | ')} |`);
