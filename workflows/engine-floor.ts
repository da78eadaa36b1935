// The engine floor the benchmark measures the order saga against: a workflow of
// n no-op activities (`ping`) spread over the saga's task queues (B2), and the
// same with local activities (B3). Whatever these cost is Temporal's cost on
// this server; the saga's cost beyond it is ours.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { UsersActivities } from '../services/users/temporal/catalogue.js';
import { SAGA_TASK_QUEUES } from '../shared/domain/vocabulary.js';

type Ping = Pick<UsersActivities, 'ping'>;

const QUEUES: readonly string[] = SAGA_TASK_QUEUES;
const proxiesOver = (queues: readonly string[]) =>
  queues.map((taskQueue) => proxyActivities<Ping>({ taskQueue, startToCloseTimeout: '10s' }));
const saga = proxiesOver(QUEUES);
const local = proxyLocalActivities<Ping>({ startToCloseTimeout: '10s' });

/**
 * n sequential no-op activities, round-robin over every service's task queue, or over
 * `queues` (the benchmark's plain floor worker serves queues of its own, as many).
 */
export async function engineFloor(n: number, queues?: readonly string[]): Promise<number> {
  const remote = queues ? proxiesOver(queues) : saga;
  for (let i = 0; i < n; i++) await remote[i % remote.length]!.ping({});
  return n;
}

/** n sequential no-op local activities on the worker that runs the workflow. */
export async function engineFloorLocal(n: number): Promise<number> {
  for (let i = 0; i < n; i++) await local.ping({});
  return n;
}
