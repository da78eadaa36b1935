// The short chaos run inside `npm test`: the whole stack on its own servers
// (file databases in a temporary directory, every process supervised), 40 orders
// of every scenario but the slow payment (each of those takes a minute: the full
// `npm run chaos` has them), while two processes are SIGKILLed, the Temporal
// dev server and the MongoDB server are SIGKILLed and restarted on their files,
// Redis is frozen for 3 s, and the power is cut once (every process SIGKILLed at
// once, the stack started again on the same data directory: it kills the rest,
// so two single kills do); then the audit of
// money, stock, orders and notifications must be clean.
import { expect, it } from 'vitest';
import { runChaos } from '../../scripts/chaos/run.js';
import { DEFAULT_MIX } from '../../scripts/chaos/workload.js';

it('40 orders through kills, a Temporal and a database restart, a Redis pause and a power cut: the audit is clean', async () => {
  const outcome = await runChaos({
    orders: 40,
    concurrency: 6,
    kills: 2,
    temporalRestarts: 1,
    mongoKills: 1,
    redisKills: 0,
    redisPauses: 1,
    redisPauseMs: 3_000,
    powerCuts: 1,
    mix: { ...DEFAULT_MIX, slow: 0 },
    scarceUnits: 4,
    approvalTimeout: '20s',
    slowPaymentMs: 35_000,
    drainMs: 150_000,
    keepData: false,
    log: (line) => console.log(line),
  });
  console.log(outcome.report);
  expect(outcome.breaches, `${outcome.report}\n(data and logs: ${outcome.dataDir})`).toBe(0);
}, 600_000);
