// The orders read model is a pure function of the event log: fold the events in
// version order. The store keeps a materialised copy; rebuilding from the log
// alone gives the same document (a test proves it).
import type { CancellationReason, OrderStatus } from '../../shared/domain/vocabulary.js';
import type { OrderEvent, OrderLine, ShippingAddress } from '../../shared/domain/order.js';

export interface StoredEvent {
  orderId: string;
  version: number;
  type: OrderEvent['type'];
  data: OrderEvent['data'];
  at: Date;
}

export interface OrderView {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  items: Array<OrderLine & { unitPriceCents?: number; name?: string }>;
  totalCents?: number;
  currency?: string;
  shippingAddress?: ShippingAddress;
  cancellation?: { reason: CancellationReason };
  failure?: { reason: string };
  shipment?: { shipmentId: string; trackingNumber: string };
  approvedBy?: string;
  requestId?: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/** One step of the fold: the view after `event` (the store applies new events incrementally). */
export function applyEvent(view: OrderView, event: StoredEvent): OrderView {
  const next: OrderView = { ...view, version: event.version, updatedAt: event.at };
  const e = { type: event.type, data: event.data } as OrderEvent;
  switch (e.type) {
    case 'OrderPlaced':
      return { ...next, customerId: e.data.customerId, items: e.data.items, shippingAddress: e.data.shippingAddress, ...(e.data.requestId ? { requestId: e.data.requestId } : {}), createdAt: event.at };
    case 'OrderPriced':
      return { ...next, items: e.data.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPriceCents: l.unitPriceCents, name: l.name })), totalCents: e.data.totalCents, currency: e.data.currency };
    case 'ApprovalRequested':
      return { ...next, status: 'AWAITING_APPROVAL' };
    case 'OrderApproved':
      return { ...next, approvedBy: e.data.approvedBy };
    case 'OrderConfirmed':
      return { ...next, status: 'CONFIRMED' };
    case 'OrderShipped':
      return { ...next, status: 'SHIPPED', shipment: { shipmentId: e.data.shipmentId, trackingNumber: e.data.trackingNumber } };
    case 'OrderDelivered':
      return { ...next, status: 'DELIVERED' };
    case 'OrderCancelled':
      return { ...next, status: 'CANCELLED', cancellation: { reason: e.data.reason } };
    case 'OrderFailed':
      return { ...next, status: 'FAILED', failure: { reason: e.data.reason } };
    default:
      // StockReserved, PaymentCaptured, StockCommitted, StockReleased, PaymentRefunded: history only.
      return next;
  }
}

/** Folds an order's events (any order in, sorted by version) into its read model. */
export function project(events: StoredEvent[]): OrderView | undefined {
  const sorted = [...events].sort((a, b) => a.version - b.version);
  const first = sorted[0];
  if (!first) return undefined;
  const empty: OrderView = { orderId: first.orderId, customerId: '', status: 'PENDING', items: [], createdAt: first.at, updatedAt: first.at, version: 0 };
  return sorted.reduce(applyEvent, empty);
}
