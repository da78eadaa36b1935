// How the workflows reach each service: one proxy per service task queue, each with
// timeouts and retries that fit what the activity does. Business failures are thrown
// non-retryable by the activities themselves, so retry policies only cover infrastructure.
import { ActivityCancellationType, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type {
  CatalogActivities,
  InventoryActivities,
  NotificationsActivities,
  OrdersActivities,
  PaymentsActivities,
  ShippingActivities,
  UsersActivities,
} from '../activities/contracts.js';
import { TaskQueues } from '../shared/domain.js';

/** Retries forever with capped backoff: for effects the saga cannot go on without (the service may be down for a while). */
const untilDone: ActivityOptions['retry'] = { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s' };

export const orders = proxyActivities<OrdersActivities>({
  taskQueue: TaskQueues.orders,
  startToCloseTimeout: '10s',
  retry: untilDone,
});

export const catalog = proxyActivities<CatalogActivities>({
  taskQueue: TaskQueues.catalog,
  startToCloseTimeout: '10s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 10 },
});

// When the customer cancels mid-step, wait for the running attempt to end before
// compensating, so the undo never races the effect it undoes.
const finishBeforeUndo = ActivityCancellationType.WAIT_CANCELLATION_COMPLETED;

export const inventory = proxyActivities<InventoryActivities>({
  taskQueue: TaskQueues.inventory,
  cancellationType: finishBeforeUndo,
  startToCloseTimeout: '10s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 10 },
});

/** Committing a reservation the customer has paid for must eventually happen. */
export const inventoryCommit = proxyActivities<InventoryActivities>({
  taskQueue: TaskQueues.inventory,
  startToCloseTimeout: '10s',
  retry: untilDone,
});

// The provider may be slow (tok_slow) or fail transiently (tok_flaky): a generous
// timeout and backoff; the activity's idempotency key makes every retry safe.
export const payments = proxyActivities<PaymentsActivities>({
  taskQueue: TaskQueues.payments,
  cancellationType: finishBeforeUndo,
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '20s', maximumAttempts: 10 },
});

/** Compensations: idempotent, retried with backoff up to the saga's configured attempts. */
export function compensations(maximumAttempts: number) {
  const options: ActivityOptions = {
    startToCloseTimeout: '30s',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts },
  };
  return {
    inventory: proxyActivities<InventoryActivities>({ ...options, taskQueue: TaskQueues.inventory }),
    payments: proxyActivities<PaymentsActivities>({ ...options, taskQueue: TaskQueues.payments }),
  };
}

// A notification is never worth failing an order for: a few tries, then the caller moves on.
export const notifications = proxyActivities<NotificationsActivities>({
  taskQueue: TaskQueues.notifications,
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 },
});

export const users = proxyActivities<UsersActivities>({
  taskQueue: TaskQueues.users,
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 3 },
});

export const shipping = proxyActivities<ShippingActivities>({
  taskQueue: TaskQueues.shipping,
  startToCloseTimeout: '10s',
  retry: untilDone,
});
