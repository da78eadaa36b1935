// The orders read model is a pure function of the event log: fold the events in
// version order. The store keeps a materialised copy, advanced by each event's
// changes in the same atomic write that stores the event; rebuilding from the
// log alone gives the same document (a test proves it).
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

/**
 * The read-model fields an event sets, derived from the event alone. The store
 * `$set`s exactly these in the same atomic update that appends the event; the
 * fold below applies them in version order, so both give the same document.
 */
export function eventChanges(event: StoredEvent): Partial<OrderView> {
  const e = { type: event.type, data: event.data } as OrderEvent;
  switch (e.type) {
    case 'OrderPlaced':
      return {
        customerId: e.data.customerId,
        items: e.data.items,
        shippingAddress: e.data.shippingAddress,
        ...(e.data.requestId ? { requestId: e.data.requestId } : {}),
        createdAt: event.at,
      };
    case 'OrderPriced':
      return {
        items: e.data.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPriceCents: l.unitPriceCents, name: l.name })),
        totalCents: e.data.totalCents,
        currency: e.data.currency,
      };
    case 'ApprovalRequested':
      return { status: 'AWAITING_APPROVAL' };
    case 'OrderApproved':
      return { approvedBy: e.data.approvedBy };
    case 'OrderConfirmed':
      return { status: 'CONFIRMED' };
    case 'OrderShipped':
      return { status: 'SHIPPED', shipment: { shipmentId: e.data.shipmentId, trackingNumber: e.data.trackingNumber } };
    case 'OrderDelivered':
      return { status: 'DELIVERED' };
    case 'OrderCancelled':
      return { status: 'CANCELLED', cancellation: { reason: e.data.reason } };
    case 'OrderFailed':
      return { status: 'FAILED', failure: { reason: e.data.reason } };
    default:
      // StockReserved, PaymentCaptured, StockCommitted, StockReleased, PaymentRefunded: history only.
      return {};
  }
}

/** One step of the fold: the view after `event`. */
export function applyEvent(view: OrderView, event: StoredEvent): OrderView {
  return { ...view, ...eventChanges(event), version: event.version, updatedAt: event.at };
}

/** Folds an order's events (any order in, sorted by version) into its read model. */
export function project(events: StoredEvent[]): OrderView | undefined {
  const sorted = [...events].sort((a, b) => a.version - b.version);
  const first = sorted[0];
  if (!first) return undefined;
  const empty: OrderView = {
    orderId: first.orderId,
    customerId: '',
    status: 'PENDING',
    items: [],
    createdAt: first.at,
    updatedAt: first.at,
    version: 0,
  };
  return sorted.reduce(applyEvent, empty);
}
