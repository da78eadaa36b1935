// The activity contracts: what each service's worker exposes on its task queue.
// Workflows import these types only (never the implementations); each
// activities/<service>.ts builds an object of its interface from the service's store.
// Every mutating activity is idempotent by the key in its input (derived from the
// order id): a retried or duplicated call returns the first call's result.
import type {
  CarrierEventType,
  NotificationChannel,
  NotificationTemplate,
  OrderEvent,
  OrderLine,
  PriceSnapshot,
  ShippingAddress,
} from '../shared/domain.js';

export interface UsersActivities {
  /** Contact details for notifications. Fails NotFound for an unknown user. */
  getUserContact(input: { userId: string }): Promise<{ userId: string; email: string; name: string }>;
}

export interface CatalogActivities {
  /** Prices the lines at today's prices and keeps that snapshot for the order: a second call returns the first snapshot. Fails UnknownProduct. */
  priceOrder(input: { orderId: string; items: OrderLine[] }): Promise<PriceSnapshot>;
}

export interface InventoryActivities {
  /** All-or-nothing reservation keyed by order id. Fails OutOfStock / UnknownProduct. */
  reserveStock(input: { orderId: string; lines: OrderLine[] }): Promise<{ orderId: string; status: 'RESERVED' | 'COMMITTED' | 'RELEASED' }>;
  /** Returns reserved stock to available; a no-op when nothing (or nothing any more) is reserved. */
  releaseStock(input: { orderId: string }): Promise<{ released: boolean }>;
  /** Turns the reservation into a sale (reserved stock leaves the warehouse). Fails InvalidState if it was released. */
  commitStock(input: { orderId: string }): Promise<{ committed: boolean }>;
}

export interface PaymentsActivities {
  /** Charges once per order id, however often retried. Fails PaymentDeclined; provider errors are retryable. */
  chargePayment(input: { orderId: string; amountCents: number; currency: string; paymentToken: string }): Promise<{ chargeId: string; amountCents: number }>;
  /** Refunds what was charged for the order, at most once and never more than the charge; a no-op without a charge. */
  refundPayment(input: { orderId: string }): Promise<{ refunded: boolean; refundId?: string; amountCents: number }>;
}

export interface OrdersActivities {
  /** Appends the event to the order's log (one event of each type per order) and updates the read model. */
  recordOrderEvent(input: { orderId: string; event: OrderEvent }): Promise<{ version: number }>;
}

export interface NotificationsActivities {
  /** Sends one notification per key (e.g. `${orderId}:order_confirmed`). */
  sendNotification(input: {
    key: string;
    userId: string;
    template: NotificationTemplate;
    channel?: NotificationChannel;
    to?: string;
    data?: Record<string, string | number | boolean | null>;
  }): Promise<{ notificationId: string }>;
}

export interface ShippingActivities {
  /** One shipment per order id; returns the existing one on a repeat. */
  createShipment(input: { orderId: string; customerId: string; address: ShippingAddress; lines: OrderLine[] }): Promise<{ shipmentId: string; trackingNumber: string }>;
  /** Records a carrier event once per (shipment, type). */
  recordCarrierEvent(input: { shipmentId: string; type: CarrierEventType; at: string }): Promise<{ recorded: boolean }>;
}
