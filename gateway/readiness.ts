// What the gateway's /health/ready checks: Redis, Temporal, every service's own
// readiness, and that a worker is actually polling each task queue, so a system
// whose workers are gone is not "ready" while its orders would only pile up. A
// poller counts when Temporal saw it within WORKER_SEEN_WITHIN_MS: an idle worker
// renews its long poll at least every minute (server default), and Temporal keeps
// a gone worker's last poll listed for minutes, so older ones are not counted.
// Each check is bounded by the health runner's timeout (shared/http/health.ts).
// A CommonJS package: Node's ESM loader sees only its default export.
import protos from '@temporalio/proto';
import { checkoutWorkflow } from '../services/cart/temporal/contract.js';
import { orderSagaWorkflow } from '../services/orders/temporal/contract.js';
import { fulfilmentWorkflow } from '../services/shipping/temporal/contract.js';
import { onboardingWorkflow } from '../services/users/temporal/contract.js';
import { SERVICE_NAMES, WORKER_SERVICES } from '../shared/domain/vocabulary.js';
import type { HealthChecks } from '../shared/http/health.js';
import { pingRedis } from '../shared/redis.js';
import type { GatewayDeps } from './context.js';

export const WORKER_SEEN_WITHIN_MS = 90_000;
const SERVICE_CHECK_TIMEOUT_MS = 1_500;

const proto = protos.temporal;
const { TASK_QUEUE_TYPE_ACTIVITY, TASK_QUEUE_TYPE_WORKFLOW } = proto.api.enums.v1.TaskQueueType;
const QUEUES_WITH_WORKFLOWS = new Set<string>(
  [orderSagaWorkflow, fulfilmentWorkflow, onboardingWorkflow, checkoutWorkflow].map((w) => w.taskQueue),
);

export function readinessChecks({ redis, temporal, services }: Pick<GatewayDeps, 'redis' | 'temporal' | 'services'>): HealthChecks {
  const checks: HealthChecks = {
    redis: () => pingRedis(redis),
    temporal: () => temporal.workflowService.getSystemInfo({}),
  };
  for (const name of SERVICE_NAMES) {
    checks[name] = async () => {
      const res = await fetch(new URL('/health/ready', services[name].baseUrl), { signal: AbortSignal.timeout(SERVICE_CHECK_TIMEOUT_MS) });
      // Read the answer to its end under the same budget: a service that sends its
      // headers and then stalls is not ready, and its connection must not stay open.
      await res.text();
      if (!res.ok) throw new Error(`${name} answered ${res.status}`);
    };
  }
  const polled = async (queue: string, type: protos.temporal.api.enums.v1.TaskQueueType) => {
    const { pollers } = await temporal.workflowService.describeTaskQueue({
      namespace: temporal.options.namespace,
      taskQueue: { name: queue, kind: proto.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: type,
    });
    const now = Date.now();
    return pollers.some((p) => p.lastAccessTime && now - Number(p.lastAccessTime.seconds ?? 0) * 1000 < WORKER_SEEN_WITHIN_MS);
  };
  for (const queue of WORKER_SERVICES) {
    checks[`worker:${queue}`] = async () => {
      const types = QUEUES_WITH_WORKFLOWS.has(queue) ? [TASK_QUEUE_TYPE_WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY] : [TASK_QUEUE_TYPE_ACTIVITY];
      const seen = await Promise.all(types.map((type) => polled(queue, type)));
      if (seen.includes(false)) throw new Error(`no worker has polled task queue ${queue} within ${WORKER_SEEN_WITHIN_MS / 1000} s`);
    };
  }
  return checks;
}
