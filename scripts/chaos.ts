// `npm run chaos`: the whole stack under a mixed workload and real faults, then
// the audit of its books (scripts/chaos/run.ts). Exit code: 0 when the audit (and
// the run's own rows) found no breach, 1 otherwise; the data directory with every
// process's log is kept when something was found.
//
//   CHAOS_ORDERS (300)               orders placed through the gateway
//   CHAOS_CONCURRENCY (8)            customers placing them at once
//   CHAOS_KILLS (10)                 SIGKILLs of service, worker and gateway processes
//   CHAOS_TEMPORAL_RESTARTS (1)      SIGKILLs of the Temporal dev server (restarted on its file database)
//   CHAOS_MONGO_KILLS (1)            SIGKILLs of mongo-java-server (restarted on its H2 file)
//   CHAOS_REDIS_KILLS (1)            SIGKILLs of Redis (restarted on its append-only file)
//   CHAOS_POWER_CUTS (1)             every process SIGKILLed at once, the stack started again on the same data
//   CHAOS_REDIS_PAUSES (1), CHAOS_REDIS_PAUSE_SECONDS (10)   Redis frozen with SIGSTOP, then SIGCONT
//   CHAOS_APPROVAL_TIMEOUT (60s)     how long orders above the threshold wait for the admin
//   CHAOS_SLOW_PAYMENT_MS (35000)    tok_slow's delay, above the charge activity's 30 s timeout
//   CHAOS_SCARCE_UNITS (3% of the orders, at least 4)   stock of the sku that runs out
//   CHAOS_MIX                        scenario weights, e.g. "ok=24,slow=0" (see scripts/chaos/workload.ts)
//   CHAOS_DRAIN_SECONDS (600)        how long the stack may take to come to rest afterwards
//   CHAOS_KEEP_DATA (false)          keep the data directory after a clean run too
//   CHAOS_CLUSTER (false)            on the local Temporal cluster (docs/cluster.md), two replicas of every
//                                    service: the kills hit replicas, plus one SIGKILL each of a history host,
//                                    the matching host and PostgreSQL
import { z } from 'zod';
import { parseEnv } from '../shared/config.js';
import { startClusterStack } from './stack/cluster.js';
import type { LocalStackOptions } from './stack/local.js';
import { runChaos } from './chaos/run.js';
import { DEFAULT_MIX, SCENARIOS, type Mix } from './chaos/workload.js';

const count = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

const env = parseEnv(
  z.object({
    CHAOS_ORDERS: z.coerce.number().int().min(1).default(300),
    CHAOS_CONCURRENCY: z.coerce.number().int().min(1).default(8),
    CHAOS_KILLS: count(10),
    CHAOS_TEMPORAL_RESTARTS: count(1),
    CHAOS_MONGO_KILLS: count(1),
    CHAOS_REDIS_KILLS: count(1),
    CHAOS_POWER_CUTS: count(1),
    CHAOS_REDIS_PAUSES: count(1),
    CHAOS_REDIS_PAUSE_SECONDS: z.coerce.number().positive().default(10),
    CHAOS_APPROVAL_TIMEOUT: z.string().default('60s'),
    CHAOS_SLOW_PAYMENT_MS: z.coerce.number().int().min(0).max(120_000).default(35_000),
    CHAOS_SCARCE_UNITS: z.coerce.number().int().min(0).optional(),
    CHAOS_MIX: z
      .string()
      .regex(new RegExp(`^((${SCENARIOS.join('|')})=\\d+,?)*$`), `comma-separated scenario=weight, scenarios: ${SCENARIOS.join(', ')}`)
      .default(''),
    CHAOS_DRAIN_SECONDS: z.coerce.number().int().positive().default(600),
    CHAOS_KEEP_DATA: z.enum(['true', 'false']).default('false'),
    CHAOS_CLUSTER: z.enum(['true', 'false']).default('false'),
  }),
);

const mix: Mix = {
  ...DEFAULT_MIX,
  ...Object.fromEntries(
    env.CHAOS_MIX.split(',')
      .filter(Boolean)
      .map((kv) => [kv.split('=')[0] ?? '', Number(kv.split('=')[1])] as const),
  ),
};

const outcome = await runChaos({
  orders: env.CHAOS_ORDERS,
  concurrency: env.CHAOS_CONCURRENCY,
  kills: env.CHAOS_KILLS,
  temporalRestarts: env.CHAOS_TEMPORAL_RESTARTS,
  mongoKills: env.CHAOS_MONGO_KILLS,
  redisKills: env.CHAOS_REDIS_KILLS,
  powerCuts: env.CHAOS_POWER_CUTS,
  redisPauses: env.CHAOS_REDIS_PAUSES,
  redisPauseMs: env.CHAOS_REDIS_PAUSE_SECONDS * 1000,
  approvalTimeout: env.CHAOS_APPROVAL_TIMEOUT,
  slowPaymentMs: env.CHAOS_SLOW_PAYMENT_MS,
  scarceUnits: env.CHAOS_SCARCE_UNITS ?? Math.max(4, Math.round(env.CHAOS_ORDERS * 0.03)),
  mix,
  drainMs: env.CHAOS_DRAIN_SECONDS * 1000,
  keepData: env.CHAOS_KEEP_DATA === 'true',
  log: (line) => console.log(line),
  ...(env.CHAOS_CLUSTER === 'true'
    ? { clusterKills: ['history', 'matching', 'postgres'] as const, start: (options: LocalStackOptions) => startClusterStack(options) }
    : {}),
});
console.log(`\n${outcome.report}`);
if (outcome.breaches > 0 || env.CHAOS_KEEP_DATA === 'true') console.log(`\ndata and logs kept in ${outcome.dataDir}`);
process.exitCode = outcome.breaches > 0 ? 1 : 0;
