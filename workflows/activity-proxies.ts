// How the workflows reach each service: one proxy per service task queue, each with
// timeouts and retries that fit what the activity does. A workflow runs in the
// service that owns it, so that service's own steps are local activities (no
// task-queue round trip, no extra history events): the saga's event records in
// orders, the shipment's steps in shipping. Business failures are thrown
// non-retryable by the activities themselves, so retry policies only cover
// infrastructure trouble.
import { ActivityCancellationType, proxyActivities, proxyLocalActivities, type ActivityOptions } from '@temporalio/workflow';
import type { CatalogActivities } from '../services/catalog/temporal/catalogue.js';
import type { InventoryActivities } from '../services/inventory/temporal/catalogue.js';
import type { NotificationsActivities } from '../services/notifications/temporal/catalogue.js';
import type { OrdersActivities } from '../services/orders/temporal/catalogue.js';
import type { PaymentsActivities } from '../services/payments/temporal/catalogue.js';
import type { ShippingActivities } from '../services/shipping/temporal/catalogue.js';
import type { UsersActivities } from '../services/users/temporal/catalogue.js';
import { usersTaskQueue } from '../services/users/temporal/contract.js';
import { catalogTaskQueue } from '../services/catalog/temporal/contract.js';
import { inventoryTaskQueue } from '../services/inventory/temporal/contract.js';
import { paymentsTaskQueue } from '../services/payments/temporal/contract.js';
import { notificationsTaskQueue } from '../services/notifications/temporal/contract.js';

/** Retries forever with capped backoff: for effects the saga cannot go on without (the service may be down for a while). */
const untilDone: ActivityOptions['retry'] = { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '30s' };

/** The order saga's own records (it runs in the orders service): local, retried until stored. */
export const orders = proxyLocalActivities<OrdersActivities>({
  startToCloseTimeout: '10s',
  retry: untilDone,
});

export const catalog = proxyActivities<CatalogActivities>({
  taskQueue: catalogTaskQueue,
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 10 },
});

// When the customer cancels mid-step, wait for the running attempt to end before
// compensating, so the undo never races the effect it undoes.
const finishBeforeUndo = ActivityCancellationType.WAIT_CANCELLATION_COMPLETED;

export const inventory = proxyActivities<InventoryActivities>({
  taskQueue: inventoryTaskQueue,
  cancellationType: finishBeforeUndo,
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 10 },
});

/** Committing a reservation the customer has paid for must eventually happen. */
export const inventoryCommit = proxyActivities<InventoryActivities>({
  taskQueue: inventoryTaskQueue,
  cancellationType: finishBeforeUndo,
  startToCloseTimeout: '10s',
  retry: untilDone,
});

// The provider may be slow (tok_slow) or fail transiently (tok_flaky): a generous
// timeout and backoff; the activity's idempotency key makes every retry safe.
export const payments = proxyActivities<PaymentsActivities>({
  taskQueue: paymentsTaskQueue,
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
    inventory: proxyActivities<InventoryActivities>({ ...options, taskQueue: inventoryTaskQueue }),
    payments: proxyActivities<PaymentsActivities>({ ...options, taskQueue: paymentsTaskQueue }),
  };
}

// A notification is never worth failing an order for, but it is owed: retried through an outage of
// the notifications service (a restart, a power cut of the whole stack, which five tries over ~30 s
// did not outlast: a power-cut trial lost an order_cancelled that way), then the caller moves on.
// Sends are idempotent by their key, so a retry never sends twice.
export const notifications = proxyActivities<NotificationsActivities>({
  taskQueue: notificationsTaskQueue,
  startToCloseTimeout: '10s',
  scheduleToCloseTimeout: '30 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

export const users = proxyActivities<UsersActivities>({
  taskQueue: usersTaskQueue,
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 3 },
});

/** The shipment's own steps (fulfilment runs in the shipping service): local, retried until stored. */
export const shipping = proxyLocalActivities<ShippingActivities>({
  startToCloseTimeout: '10s',
  retry: untilDone,
});
