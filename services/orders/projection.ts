// The orders read model is a pure function of the event log: fold the events in
// version order. The store keeps a materialised copy, advanced by each event's
// changes in the same atomic write that stores the event; rebuilding from the
// log alone gives the same document (a test proves it).
import type { OrderEvent, OrderRecord } from '../../shared/domain/order.js';

export interface StoredEvent {
  orderId: string;
  version: number;
  type: OrderEvent['type'];
  data: OrderEvent['data'];
  at: Date;
}

/**
 * The order's record as the store keeps it: the read model of shared/domain (OrderRecord), its
 * times as Dates. Derived, so a field added to the record (or to its lines) is one here too.
 */
export type StoredOrder = Omit<OrderRecord, 'createdAt' | 'updatedAt'> & { createdAt: Date; updatedAt: Date };

/** The stored order as the API answers it: all of it, its times as ISO strings. */
export const toRecord = (order: StoredOrder): OrderRecord => ({
  ...order,
  createdAt: order.createdAt.toISOString(),
  updatedAt: order.updatedAt.toISOString(),
});

/**
 * The read-model fields an event sets, derived from the event alone. The store
 * `$set`s exactly these in the same atomic update that appends the event; the
 * fold below applies them in version order, so both give the same document.
 */
export function eventChanges(event: StoredEvent): Partial<StoredOrder> {
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
        // The lines as priced, whole: whatever a priced line carries, the record shows.
        items: e.data.lines,
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
export function applyEvent(view: StoredOrder, event: StoredEvent): StoredOrder {
  return { ...view, ...eventChanges(event), version: event.version, updatedAt: event.at };
}

/** Folds an order's events (any order in, sorted by version) into its read model. */
export function project(events: StoredEvent[]): StoredOrder | undefined {
  const sorted = [...events].sort((a, b) => a.version - b.version);
  const first = sorted[0];
  if (!first) return undefined;
  const empty: StoredOrder = {
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
