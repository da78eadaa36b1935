// `npm run powercut`: the power-cut trial of scripts/chaos/power-cut.ts, run
// POWERCUT_RUNS times in a row (each on a fresh data directory), each run's
// report printed as it ends, then one line per run. Exit code: 0 when every run
// was clean, 1 otherwise (the data directories of those runs, with every
// process's log, are kept and named).
//
//   POWERCUT_RUNS (1)                 trials, one after another
//   POWERCUT_ORDERS (60)              orders placed through the gateway (paid, flaky, declined, cancelled)
//   POWERCUT_CONCURRENCY (12)         customers placing them at once
//   POWERCUT_AFTER_SECONDS (4)        when the power goes, after the first order was begun
//   POWERCUT_FINAL_SECONDS (120)      how long the orders placed before the cut may take to be final once the stack is back
//   POWERCUT_DRAIN_SECONDS (120)      how long the whole stack may then take to come to rest
//   POWERCUT_KEEP_DATA (false)        keep the data directory after a clean run too
//   POWERCUT_PROCESSES (one)          the stack's layout, as npm start's SAGASHOP_PROCESSES: one, or each (a process per service)
import { z } from 'zod';
import { parseEnv } from '../shared/config.js';
import { runPowerCut } from './chaos/power-cut.js';
import { DEFAULT_LAYOUT } from './stack/system.js';

const env = parseEnv(
  z.object({
    POWERCUT_RUNS: z.coerce.number().int().min(1).default(1),
    POWERCUT_ORDERS: z.coerce.number().int().min(1).default(60),
    POWERCUT_CONCURRENCY: z.coerce.number().int().min(1).default(12),
    POWERCUT_AFTER_SECONDS: z.coerce.number().positive().default(4),
    POWERCUT_FINAL_SECONDS: z.coerce.number().positive().default(120),
    POWERCUT_DRAIN_SECONDS: z.coerce.number().positive().default(120),
    POWERCUT_KEEP_DATA: z.enum(['true', 'false']).default('false'),
    POWERCUT_PROCESSES: z.enum(['one', 'each']).default(DEFAULT_LAYOUT),
  }),
);

const summary: string[] = [];
let breaches = 0;
for (let run = 1; run <= env.POWERCUT_RUNS; run++) {
  const outcome = await runPowerCut({
    orders: env.POWERCUT_ORDERS,
    concurrency: env.POWERCUT_CONCURRENCY,
    cutAfterMs: env.POWERCUT_AFTER_SECONDS * 1000,
    finalWithinMs: env.POWERCUT_FINAL_SECONDS * 1000,
    drainMs: env.POWERCUT_DRAIN_SECONDS * 1000,
    keepData: env.POWERCUT_KEEP_DATA === 'true',
    processes: env.POWERCUT_PROCESSES,
    log: (line) => console.log(line),
  });
  console.log(`\nrun ${run} of ${env.POWERCUT_RUNS}\n${outcome.report}`);
  const cut = outcome.results.find((r) => r.name === 'power cut');
  const kept = outcome.breaches > 0 || env.POWERCUT_KEEP_DATA === 'true' ? `; data and logs kept in ${outcome.dataDir}` : '';
  const where = outcome.results.filter((r) => r.breaches.length > 0).map((r) => `${r.name} ${r.breaches.length}`);
  breaches += outcome.breaches;
  summary.push(
    `run ${run}: ${outcome.breaches === 0 ? 'clean' : `${outcome.breaches} breaches (${where.join(', ')})`}; ${cut?.figures.slice(1, 3).join('; ') ?? ''}${kept}`,
  );
}
console.log(`\npower-cut trials:\n${summary.map((l) => `  ${l}`).join('\n')}`);
process.exitCode = breaches === 0 ? 0 : 1;
