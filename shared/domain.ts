// The vocabulary every process shares: order statuses, cancellation reasons,
// business failure types and the shapes that cross service boundaries.
// Pure types and constants only: workflow code imports this file, so it must
// stay free of Node, I/O and SDK imports.

export const ORDER_STATUSES = [
  'PENDING',
  'AWAITING_APPROVAL',
  'CONFIRMED',
  'SHIPPED',
  'DELIVERED',
  'CANCELLED',
  'FAILED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const CANCELLATION_REASONS = [
  'OUT_OF_STOCK',
  'PAYMENT_DECLINED',
  'CUSTOMER_CANCELLED',
  'APPROVAL_TIMEOUT',
  'UNKNOWN_PRODUCT',
] as const;
export type CancellationReason = (typeof CANCELLATION_REASONS)[number];

/** ApplicationFailure types for business outcomes; all are non-retryable. */
export const BusinessFailure = {
  OutOfStock: 'OutOfStock',
  UnknownProduct: 'UnknownProduct',
  PaymentDeclined: 'PaymentDeclined',
  NotFound: 'NotFound',
  InvalidState: 'InvalidState',
  InvalidInput: 'InvalidInput',
} as const;
export type BusinessFailureType = (typeof BusinessFailure)[keyof typeof BusinessFailure];

/** Which cancellation reason a business failure of a saga step maps to. */
export const REASON_FOR_FAILURE: Partial<Record<BusinessFailureType, CancellationReason>> = {
  OutOfStock: 'OUT_OF_STOCK',
  UnknownProduct: 'UNKNOWN_PRODUCT',
  PaymentDeclined: 'PAYMENT_DECLINED',
};

export interface OrderLine {
  sku: string;
  quantity: number;
}

export interface PricedLine extends OrderLine {
  name: string;
  unitPriceCents: number;
}

export interface PriceSnapshot {
  orderId: string;
  lines: PricedLine[];
  totalCents: number;
  currency: string;
}

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  country: string;
}

/** What the gateway hands the order saga when it starts it. */
export interface PlaceOrderInput {
  orderId: string;
  customerId: string;
  items: OrderLine[];
  paymentToken: string;
  shippingAddress: ShippingAddress;
  requestId?: string;
}

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

/** The services, each its own process with its own data. */
export const SERVICE_NAMES = ['users', 'catalog', 'inventory', 'cart', 'orders', 'payments', 'notifications', 'shipping'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Task queues: one per service that exposes activities, one for the workflows. */
export const TaskQueues = {
  sagas: 'sagas',
  users: 'users',
  catalog: 'catalog',
  inventory: 'inventory',
  orders: 'orders',
  payments: 'payments',
  notifications: 'notifications',
  shipping: 'shipping',
} as const;

export const workflowIds = {
  order: (orderId: string) => `order-${orderId}`,
  fulfilment: (orderId: string) => `fulfilment-${orderId}`,
  onboarding: (userId: string) => `onboarding-${userId}`,
};

/** Custom search attributes registered on the Temporal namespace (see scripts/stack). */
export const SEARCH_ATTRIBUTES = {
  OrderStatus: 'Keyword',
  CustomerId: 'Keyword',
  OrderTotalCents: 'Int',
} as const;

/** Every type of event in an order's log (orders service): the one list the event schema validates against. */
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

/** The data each event type carries (a listed type without an entry here does not compile). */
interface OrderEventData {
  OrderPlaced: { customerId: string; items: OrderLine[]; shippingAddress: ShippingAddress; requestId?: string };
  OrderPriced: { lines: PricedLine[]; totalCents: number; currency: string };
  StockReserved: Record<string, never>;
  PaymentCaptured: { chargeId: string; amountCents: number };
  ApprovalRequested: { thresholdCents: number };
  OrderApproved: { approvedBy: string };
  OrderConfirmed: Record<string, never>;
  StockCommitted: Record<string, never>;
  OrderShipped: { shipmentId: string; trackingNumber: string };
  OrderDelivered: Record<string, never>;
  StockReleased: Record<string, never>;
  PaymentRefunded: { refundId: string; amountCents: number };
  OrderCancelled: { reason: CancellationReason };
  OrderFailed: { reason: string };
}

/** The order's append-only event log (orders service). One event of each type per order. */
export type OrderEvent = { [T in OrderEventType]: { type: T; data: OrderEventData[T] } }[OrderEventType];
