// The audit's checks, as pure functions of a snapshot of the stack
// (snapshot.ts): order states against their sagas, money, stock and
// notifications. Each returns what it checked, its figures and every breach in
// words; any breach makes `npm run audit` exit non-zero.
//
// An order is "in flight" while its saga is still moving it: PENDING, or its
// read model and its saga's OrderStatus search attribute (set by the saga after
// the step the read model shows) do not agree yet. Within the grace period that
// is normal and the order is left out of the money, stock and notification
// checks; past it, it is a breach of its own.
import { stockBreaches } from '../../services/inventory/store.js';
import type { OrderEventType, OrderStatus } from '../../shared/domain/vocabulary.js';
import { NOTIFICATION_KEYS, type Line, type OrderRecord, type Snapshot, type WorkflowRecord } from './snapshot.js';

export interface CheckResult {
  name: string;
  /** What was looked at, e.g. "312 orders". */
  checked: string;
  figures: string[];
  breaches: string[];
}

export interface AuditOptions {
  /** How long an order may be in flight before that is a breach. */
  pendingGraceMs: number;
}

/** The statuses the saga has taken the money for (it charges before asking for approval). */
const CHARGED: readonly OrderStatus[] = ['AWAITING_APPROVAL', 'CONFIRMED', 'SHIPPED', 'DELIVERED'];
/** The statuses whose units have left the warehouse. */
const COMMITTED: readonly OrderStatus[] = ['CONFIRMED', 'SHIPPED', 'DELIVERED'];
/** The saga's run is over in these; it still waits (for an admin, the carrier) in the others. */
const RUN_COMPLETED: readonly OrderStatus[] = ['DELIVERED', 'CANCELLED', 'FAILED'];

const CONFIRMED_STORY: OrderEventType[] = [
  'OrderPlaced',
  'OrderPriced',
  'StockReserved',
  'PaymentCaptured',
  'OrderConfirmed',
  'StockCommitted',
];
/**
 * The events an order at rest must have in its log, by its status: the saga recorded each before
 * it moved on, so one missing is a write the database acknowledged and lost (a crash), or a bug.
 */
const STORY: Record<OrderStatus, OrderEventType[]> = {
  PENDING: ['OrderPlaced'],
  AWAITING_APPROVAL: ['OrderPlaced', 'OrderPriced', 'StockReserved', 'PaymentCaptured', 'ApprovalRequested'],
  CONFIRMED: CONFIRMED_STORY,
  SHIPPED: [...CONFIRMED_STORY, 'OrderShipped'],
  DELIVERED: [...CONFIRMED_STORY, 'OrderShipped', 'OrderDelivered'],
  // Only the saga shows CANCELLING (the log keeps the status it is leaving): never at rest.
  CANCELLING: ['OrderPlaced'],
  CANCELLED: ['OrderPlaced', 'OrderCancelled'],
  FAILED: ['OrderPlaced'],
};

export type Settling = { kind: 'settled' } | { kind: 'in flight'; why: string } | { kind: 'stuck'; why: string };

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
export const euros = (cents: number) => (cents / 100).toFixed(2);
const count = <T>(items: T[], key: (item: T) => string) => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
};
const sumOf = (lines: Line[], sku: string) => lines.reduce((n, l) => n + (l.sku === sku ? l.quantity : 0), 0);

/** Whether an order has come to rest, is still moving within the grace period, or is stuck past it. */
export function settling(order: OrderRecord, workflow: WorkflowRecord | undefined, snapshot: Snapshot, options: AuditOptions): Settling {
  const age = snapshot.takenAt.getTime() - order.updatedAt.getTime();
  const why = !workflow
    ? 'no order saga in Temporal'
    : order.status === 'PENDING'
      ? 'PENDING'
      : workflow.orderStatus !== order.status
        ? `read model ${order.status}, saga ${workflow.orderStatus ?? '(none)'}`
        : (RUN_COMPLETED.includes(order.status) ? 'COMPLETED' : 'RUNNING') !== workflow.execution
          ? `${order.status} but its saga's run is ${workflow.execution}`
          : workflow.pendingWork
            ? `${order.status} but its saga still has ${workflow.pendingWork} activities or tasks pending (e.g. a cancel's compensations)`
            : undefined;
  if (!why) return { kind: 'settled' };
  return age < options.pendingGraceMs ? { kind: 'in flight', why } : { kind: 'stuck', why: `${why} for ${seconds(age)}` };
}

export function runChecks(snapshot: Snapshot, options: AuditOptions): CheckResult[] {
  const states = new Map(snapshot.orders.map((o) => [o.orderId, settling(o, snapshot.workflows.get(o.orderId), snapshot, options)]));
  const settled = snapshot.orders.filter((o) => states.get(o.orderId)?.kind === 'settled');
  return [
    checkOrders(snapshot, states, options),
    checkMoney(snapshot, settled, states),
    checkStock(snapshot, settled, states),
    checkNotifications(snapshot, settled),
  ];
}

function checkOrders(snapshot: Snapshot, states: Map<string, Settling>, options: AuditOptions): CheckResult {
  const breaches: string[] = [];
  let inFlight = 0;
  for (const order of snapshot.orders) {
    const state = states.get(order.orderId)!;
    if (state.kind === 'stuck') breaches.push(`order ${order.orderId}: ${state.why}`);
    if (state.kind === 'in flight') inFlight += 1;
    if (order.status === 'FAILED')
      breaches.push(
        `order ${order.orderId}: FAILED, waiting for an operator${order.failureReason ? ` (${order.failureReason.slice(0, 300)})` : ''}`,
      );
    const missing = state.kind === 'settled' ? (STORY[order.status] ?? []).filter((type) => !order.events.includes(type)) : [];
    if (missing.length > 0) breaches.push(`order ${order.orderId} (${order.status}): its event log lacks ${missing.join(', ')}`);
  }
  const known = new Set(snapshot.orders.map((o) => o.orderId));
  for (const workflow of snapshot.workflows.values()) {
    if (known.has(workflow.orderId)) continue;
    const age = snapshot.takenAt.getTime() - workflow.startTime.getTime();
    if (workflow.execution === 'RUNNING' && age < options.pendingGraceMs) inFlight += 1;
    else
      breaches.push(
        `order saga order-${workflow.orderId} (${workflow.execution}, ${workflow.orderStatus ?? 'no status'}) has no order record${workflow.lastFailure ? `; its last failure: ${workflow.lastFailure.slice(0, 300)}` : ''}`,
      );
  }
  for (const workflow of snapshot.workflows.values()) {
    if (!['RUNNING', 'COMPLETED'].includes(workflow.execution))
      breaches.push(`order saga order-${workflow.orderId} ended ${workflow.execution}: a saga never fails, it settles the order`);
  }
  const cancelled = snapshot.orders.filter((o) => o.status === 'CANCELLED');
  return {
    name: 'orders',
    checked: `${snapshot.orders.length} orders, ${snapshot.workflows.size} sagas`,
    figures: [
      count(snapshot.orders, (o) => o.status),
      ...(cancelled.length ? [`cancelled: ${count(cancelled, (o) => o.cancellationReason ?? 'no reason')}`] : []),
      `sagas: ${count([...snapshot.workflows.values()], (w) => w.execution)}`,
      ...(inFlight ? [`${inFlight} in flight (younger than ${seconds(options.pendingGraceMs)}), left out of the other checks`] : []),
    ],
    breaches,
  };
}

function checkMoney(snapshot: Snapshot, settled: OrderRecord[], states: Map<string, Settling>): CheckResult {
  const breaches: string[] = [];
  const ledgerOf = new Map<string, { charges: number[]; refunds: number[] }>();
  for (const entry of snapshot.ledger) {
    const record = ledgerOf.get(entry.orderId) ?? { charges: [], refunds: [] };
    (entry.type === 'charge' ? record.charges : record.refunds).push(entry.amountCents);
    ledgerOf.set(entry.orderId, record);
  }
  const netOf = (orderId: string) => {
    const record = ledgerOf.get(orderId);
    return record ? record.charges.reduce((a, b) => a + b, 0) - record.refunds.reduce((a, b) => a + b, 0) : 0;
  };

  let expectedTotal = 0;
  for (const order of settled) {
    if (order.status === 'FAILED') continue; // the orders check reports it; its money waits for the operator
    const { charges } = ledgerOf.get(order.orderId) ?? { charges: [] };
    if (charges.length > 1) breaches.push(`order ${order.orderId}: charged ${charges.length} times (${charges.map(euros).join(', ')})`);
    const charged = CHARGED.includes(order.status);
    const expected = charged ? (order.totalCents ?? 0) : 0;
    expectedTotal += expected;
    const net = netOf(order.orderId);
    if (net !== expected)
      breaches.push(`order ${order.orderId} (${order.status}): the ledger holds ${euros(net)}, expected ${euros(expected)}`);
    if (charged && charges.length === 1 && charges[0] !== order.totalCents)
      breaches.push(`order ${order.orderId}: charged ${euros(charges[0]!)} for a total of ${euros(order.totalCents ?? 0)}`);
  }
  // Money of an order nobody recorded must have gone back.
  for (const orderId of ledgerOf.keys()) {
    if (!states.has(orderId) && netOf(orderId) !== 0)
      breaches.push(`ledger: ${euros(netOf(orderId))} kept for ${orderId}, which is no order`);
  }

  const figures: string[] = [];
  const all = [...ledgerOf.values()];
  const charged = all.flatMap((r) => r.charges);
  const refunded = all.flatMap((r) => r.refunds);
  const inLedger = charged.reduce((a, b) => a + b, 0) - refunded.reduce((a, b) => a + b, 0);
  figures.push(
    `ledger: ${charged.length} charges ${euros(charged.reduce((a, b) => a + b, 0))} - ${refunded.length} refunds ${euros(refunded.reduce((a, b) => a + b, 0))} = ${euros(inLedger)}`,
  );
  figures.push(`totals of settled CONFIRMED/SHIPPED/DELIVERED/AWAITING_APPROVAL orders: ${euros(expectedTotal)}`);

  if (snapshot.provider) {
    // What the provider holds per order must be what our ledger says we hold.
    const providerOf = new Map(snapshot.provider.map((p) => [p.orderId, p.capturedCents - p.refundedCents]));
    for (const orderId of new Set([...providerOf.keys(), ...ledgerOf.keys()])) {
      const state = states.get(orderId);
      if (state && state.kind !== 'settled') continue;
      const atProvider = providerOf.get(orderId) ?? 0;
      if (atProvider !== netOf(orderId))
        breaches.push(`order ${orderId}: the provider holds ${euros(atProvider)}, our ledger ${euros(netOf(orderId))}`);
    }
    const captured = snapshot.provider.reduce((a, p) => a + p.capturedCents, 0);
    const providerRefunded = snapshot.provider.reduce((a, p) => a + p.refundedCents, 0);
    figures.push(
      `provider: ${snapshot.provider.length} captures ${euros(captured)} - refunds ${euros(providerRefunded)} = ${euros(captured - providerRefunded)}`,
    );
  } else {
    figures.push('provider: not the simulator, not reconciled here');
  }
  return { name: 'money', checked: `${settled.length} orders, ${snapshot.ledger.length} ledger entries`, figures, breaches };
}

function checkStock(snapshot: Snapshot, settled: OrderRecord[], states: Map<string, Settling>): CheckResult {
  const breaches = snapshot.stock.flatMap(stockBreaches);
  // Skus an order in flight touches are still moving: held against the orders only once it settles.
  const moving = new Set(
    snapshot.orders.filter((o) => states.get(o.orderId)?.kind !== 'settled').flatMap((o) => o.items.map((l) => l.sku)),
  );
  let held = 0;
  for (const doc of snapshot.stock) {
    if (moving.has(doc._id)) continue;
    held += 1;
    const gone = settled.filter((o) => COMMITTED.includes(o.status)).reduce((n, o) => n + sumOf(o.items, doc._id), 0);
    const waiting = settled.filter((o) => o.status === 'AWAITING_APPROVAL').reduce((n, o) => n + sumOf(o.items, doc._id), 0);
    const left = doc.committed - doc.restocked;
    if (left !== gone)
      breaches.push(
        `${doc._id}: committed ${doc.committed} - restocked ${doc.restocked} = ${left} units gone, but confirmed orders took ${gone}`,
      );
    if (doc.reserved !== waiting) breaches.push(`${doc._id}: ${doc.reserved} reserved, but orders awaiting approval hold ${waiting}`);
  }
  // A sku that settled orders took or hold, with no stock document at all: its counters were lost with it.
  const stocked = new Set(snapshot.stock.map((d) => d._id));
  const unstocked = new Set(
    settled
      .filter((o) => [...COMMITTED, 'AWAITING_APPROVAL'].includes(o.status))
      .flatMap((o) => o.items.map((l) => l.sku))
      .filter((sku) => !stocked.has(sku)),
  );
  for (const sku of unstocked) breaches.push(`${sku}: settled orders took or hold units of it, but it has no stock document`);
  const reservationOf = new Map(snapshot.reservations.map((r) => [r.orderId, r]));
  for (const order of settled) {
    const status = reservationOf.get(order.orderId)?.status;
    const expected = COMMITTED.includes(order.status)
      ? ['COMMITTED']
      : order.status === 'AWAITING_APPROVAL'
        ? ['RESERVED']
        : order.status === 'CANCELLED'
          ? [undefined, 'RELEASED', 'REJECTED']
          : undefined;
    if (expected && !expected.includes(status))
      breaches.push(`order ${order.orderId} (${order.status}): its reservation is ${status ?? 'missing'}`);
  }
  const total = (field: 'received' | 'available' | 'reserved' | 'committed' | 'restocked') =>
    snapshot.stock.reduce((n, d) => n + d[field], 0);
  return {
    name: 'stock',
    checked: `${snapshot.stock.length} skus, ${snapshot.reservations.length} reservations`,
    figures: [
      `received ${total('received')} + restocked ${total('restocked')} = available ${total('available')} + reserved ${total('reserved')} + committed ${total('committed')}`,
      `${held} skus held against the settled orders${moving.size ? `, ${moving.size} touched by orders in flight` : ''}`,
    ],
    breaches,
  };
}

function checkNotifications(snapshot: Snapshot, settled: OrderRecord[]): CheckResult {
  const breaches: string[] = [];
  const tally = { confirmed: [0, 0], cancelled: [0, 0] };
  const expect = (orderId: string, kind: 'confirmed' | 'cancelled') => {
    const key = NOTIFICATION_KEYS[kind](orderId);
    const n = snapshot.notifications.get(key);
    tally[kind][1]! += 1;
    if (!n) return void breaches.push(`${key}: never sent`);
    if (n.status !== 'SENT') return void breaches.push(`${key}: ${n.status}, not sent`);
    // A claim taken over from a sender that died mid-send may mean the message went out twice,
    // unless the transport is the outbox: there the stored document is the message, and a
    // dead sender put nothing anywhere else (services/notifications/store.ts).
    if ((n.sendAttempts ?? 1) > 1 && !n.transportId?.startsWith('outbox:'))
      return void breaches.push(`${key}: may have gone out ${n.sendAttempts} times`);
    tally[kind][0]! += 1;
  };
  // May be sent: an order cancelled after its confirmation may have been told both, or only of the cancel.
  const told = new Set<string>();
  for (const order of settled) {
    if (COMMITTED.includes(order.status)) expect(order.orderId, 'confirmed');
    if (order.status === 'CANCELLED') expect(order.orderId, 'cancelled');
    if (order.events.includes('OrderConfirmed')) told.add(NOTIFICATION_KEYS.confirmed(order.orderId));
    if (order.status === 'CANCELLED') told.add(NOTIFICATION_KEYS.cancelled(order.orderId));
  }
  // A message about a settled order that the order's story does not call for.
  const settledById = new Map(settled.map((o) => [o.orderId, o]));
  for (const key of snapshot.notifications.keys()) {
    const order = settledById.get(key.slice(0, key.lastIndexOf(':')));
    if (order && !told.has(key)) breaches.push(`${key}: sent, but order ${order.orderId} is ${order.status}`);
  }
  return {
    name: 'notifications',
    checked: `${tally.confirmed[1]! + tally.cancelled[1]!} expected`,
    figures: [
      `order_confirmed sent once for ${tally.confirmed[0]} of ${tally.confirmed[1]}; order_cancelled for ${tally.cancelled[0]} of ${tally.cancelled[1]}`,
    ],
    breaches,
  };
}
