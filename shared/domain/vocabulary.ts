// The words every process shares: statuses, reasons, event and template names,
// the services and their task queues, workflow ids. Constants and types only,
// no zod and no Node: workflow code imports this file, and it must stay
// deterministic and small. The zod schemas built on these lists live beside it.

/**
 * CANCELLING: the customer's cancel was accepted and the saga is undoing what it
 * did (refund, release, shipment); it ends CANCELLED (or FAILED for an operator).
 * Only the saga shows it (its query and `OrderStatus` search attribute): the read
 * model keeps the last recorded status until OrderCancelled is recorded.
 */
export const ORDER_STATUSES = [
  'PENDING',
  'AWAITING_APPROVAL',
  'CONFIRMED',
  'SHIPPED',
  'DELIVERED',
  'CANCELLING',
  'CANCELLED',
  'FAILED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The statuses an order reaches when its saga has settled (the answer `Prefer: wait` waits for); CANCELLING is on its way to CANCELLED. */
export const SETTLED_STATUSES: readonly OrderStatus[] = ['AWAITING_APPROVAL', 'CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'FAILED'];

export const CANCELLATION_REASONS = [
  'OUT_OF_STOCK',
  'PAYMENT_DECLINED',
  'CUSTOMER_CANCELLED',
  'APPROVAL_TIMEOUT',
  'UNKNOWN_PRODUCT',
  // What the customer asked for cannot be charged as one amount: its products are priced in
  // several currencies, or its total is 0 or above the money limit (shared/domain/money.ts).
  'MIXED_CURRENCIES',
  'AMOUNT_OUT_OF_RANGE',
] as const;
export type CancellationReason = (typeof CANCELLATION_REASONS)[number];

/** Business outcomes a service reports; retrying cannot change them. */
export const BUSINESS_FAILURES = [
  'OutOfStock',
  'UnknownProduct',
  'PaymentDeclined',
  'NotFound',
  'InvalidState',
  'InvalidInput',
  'MixedCurrencies',
  'AmountOutOfRange',
] as const;
export type BusinessFailureType = (typeof BUSINESS_FAILURES)[number];

/** Which cancellation reason a business failure of a saga step maps to. */
export const REASON_FOR_FAILURE: Partial<Record<BusinessFailureType, CancellationReason>> = {
  OutOfStock: 'OUT_OF_STOCK',
  UnknownProduct: 'UNKNOWN_PRODUCT',
  PaymentDeclined: 'PAYMENT_DECLINED',
  MixedCurrencies: 'MIXED_CURRENCIES',
  AmountOutOfRange: 'AMOUNT_OUT_OF_RANGE',
};

export const ORDER_EVENT_TYPES = [
  'OrderPlaced',
  'OrderPriced',
  'StockReserved',
  'PaymentCaptured',
  'ApprovalRequested',
  'OrderApproved',
  'OrderConfirmed',
  'StockCommitted',
  'OrderShipped',
  'OrderDelivered',
  'StockReleased',
  'PaymentRefunded',
  'OrderCancelled',
  'OrderFailed',
] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

export const CARRIER_EVENT_TYPES = ['PICKED_UP', 'DELIVERED'] as const;
export type CarrierEventType = (typeof CARRIER_EVENT_TYPES)[number];

export const NOTIFICATION_TEMPLATES = [
  'order_confirmed',
  'order_cancelled',
  'order_shipped',
  'order_delivered',
  'welcome',
  'reminder',
  'review_request',
  'shipment_delayed',
  'operator_alert',
] as const;
export type NotificationTemplate = (typeof NOTIFICATION_TEMPLATES)[number];

export const NOTIFICATION_CHANNELS = ['email', 'sms'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

export const ROLES = ['customer', 'admin', 'carrier'] as const;
export type Role = (typeof ROLES)[number];

/** The services, each its own process with its own data. */
export const SERVICE_NAMES = ['users', 'catalog', 'inventory', 'cart', 'orders', 'payments', 'notifications', 'shipping'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * The task queues the order saga and the workflows beside it (fulfilment, onboarding)
 * run their activities on: what the benchmark's engine floor spreads its no-op
 * activities over, in this order.
 */
export const SAGA_TASK_QUEUES = [
  'users',
  'catalog',
  'inventory',
  'orders',
  'payments',
  'notifications',
  'shipping',
] as const satisfies readonly ServiceName[];

/**
 * The services that run a Temporal worker, each on a task queue named after it (its
 * activities, and the workflows it owns: the order saga and the checkout in orders,
 * fulfilment in shipping, onboarding in users). Each service declares its own queue in
 * its `temporal/contract.ts`; this list is for what spans them all (readiness). The cart's
 * worker runs the checkout's claims on the cart.
 */
export const WORKER_SERVICES = [...SAGA_TASK_QUEUES, 'cart'] as const satisfies readonly ServiceName[];
export type TaskQueue = (typeof WORKER_SERVICES)[number];

/**
 * A workflow as its starters and callers name it: its type, the task queue of the service
 * that hosts it, and its id, one workflow per key (`<idPrefix>-<key>`), which is what makes
 * a repeated start find the running one instead of starting a second.
 */
export function defineWorkflow<const Type extends string, const Queue extends TaskQueue>(type: Type, taskQueue: Queue, idPrefix: string) {
  return { type, taskQueue, id: (key: string) => `${idPrefix}-${key}` } as const;
}

/** Durations are Temporal duration strings ('24h', '7 days') or milliseconds. */
export type Duration = string | number;
