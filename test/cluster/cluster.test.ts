// The shop on a real Temporal cluster inside `npm test`: PostgreSQL, frontend,
// two history hosts sharing 4 shards, matching and worker as separate
// processes (scripts/stack/cluster.ts), two replicas of the orders service
// (each with its worker polling the same task queues) and one of the others.
// Sagas of several scenarios run end to end through the gateway while one
// orders replica is SIGKILLed (the other keeps the orders moving until the
// supervisor brings it back); then the audit of money, stock, orders and
// notifications must be clean. The chaos run's workload, faults and audit are
// reused as they are (scripts/chaos/run.ts), on the cluster's stack.
import { expect, it } from 'vitest';
import { runChaos } from '../../scripts/chaos/run.js';
import { DEFAULT_MIX } from '../../scripts/chaos/workload.js';
import { startClusterStack } from '../../scripts/stack/cluster.js';

it('sagas through the gateway on a Temporal cluster, one of two orders replicas SIGKILLed: the audit is clean', async () => {
  const outcome = await runChaos({
    orders: 16,
    concurrency: 4,
    // The first victim of a chaos run is `orders`: the first of its two replicas.
    kills: 1,
    temporalRestarts: 0,
    mongoKills: 0,
    redisKills: 0,
    redisPauses: 0,
    redisPauseMs: 0,
    powerCuts: 0,
    mix: { ...DEFAULT_MIX, slow: 0, approvalTimeout: 0 },
    scarceUnits: 2,
    approvalTimeout: '60s',
    slowPaymentMs: 35_000,
    drainMs: 150_000,
    keepData: false,
    log: (line) => console.log(line),
    start: (options) => startClusterStack({ ...options, replicas: { orders: 2 }, temporalHosts: { history: 2 } }),
  });
  console.log(outcome.report);
  expect(outcome.breaches, `${outcome.report}\n(data and logs: ${outcome.dataDir})`).toBe(0);
}, 600_000);
