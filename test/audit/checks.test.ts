// The audit's checks on hand-made snapshots: a clean shop passes, and each kind
// of loss or duplication of an order, a charge, a unit or a notification is
// named; and the chaos run's check of the carts. (The chaos test runs the same checks on a
// real stack after real kills.)
import { describe, expect, it } from 'vitest';
import type { StockDoc } from '../../services/inventory/store.js';
import { runChecks } from '../../scripts/audit/checks.js';
import { judgeCarts } from '../../scripts/chaos/carts.js';
import type { OrderRecord, Snapshot, WorkflowRecord } from '../../scripts/audit/snapshot.js';

const now = new Date('2026-01-01T12:00:00Z');
const longAgo = new Date('2026-01-01T11:00:00Z');
const grace = { pendingGraceMs: 120_000 };

const order = (orderId: string, status: OrderRecord['status'], extra: Partial<OrderRecord> = {}): OrderRecord => ({
  orderId,
  status,
  totalCents: 1000,
  items: [{ sku: 'MUG', quantity: 2 }],
  events: ['OrderPlaced'],
  createdAt: longAgo,
  updatedAt: longAgo,
  ...extra,
});
const saga = (orderId: string, orderStatus: string, execution: string): WorkflowRecord => ({
  orderId,
  orderStatus,
  execution,
  startTime: longAgo,
});
const stock = (extra: Partial<StockDoc> = {}): StockDoc => ({
  _id: 'MUG',
  available: 6,
  reserved: 2,
  holds: { waiting: 2 },
  received: 10,
  committed: 2,
  restocked: 0,
  updatedAt: longAgo,
  ...extra,
});

const CONFIRMED_LOG = ['OrderPlaced', 'OrderPriced', 'StockReserved', 'PaymentCaptured', 'OrderConfirmed', 'StockCommitted'];

/** A confirmed order, a cancelled one (charged, then refunded) and one awaiting approval, all in order. */
function cleanShop(): Snapshot {
  return {
    takenAt: now,
    orders: [
      order('confirmed', 'CONFIRMED', { events: CONFIRMED_LOG }),
      order('cancelled', 'CANCELLED', { cancellationReason: 'CUSTOMER_CANCELLED', events: ['OrderPlaced', 'OrderCancelled'] }),
      order('waiting', 'AWAITING_APPROVAL', {
        events: ['OrderPlaced', 'OrderPriced', 'StockReserved', 'PaymentCaptured', 'ApprovalRequested'],
      }),
    ],
    workflows: new Map([
      ['confirmed', saga('confirmed', 'CONFIRMED', 'RUNNING')],
      ['cancelled', saga('cancelled', 'CANCELLED', 'COMPLETED')],
      ['waiting', saga('waiting', 'AWAITING_APPROVAL', 'RUNNING')],
    ]),
    ledger: [
      { id: 'confirmed:charge', orderId: 'confirmed', type: 'charge', amountCents: 1000 },
      { id: 'cancelled:charge', orderId: 'cancelled', type: 'charge', amountCents: 1000 },
      { id: 'cancelled:refund', orderId: 'cancelled', type: 'refund', amountCents: 1000 },
      { id: 'waiting:charge', orderId: 'waiting', type: 'charge', amountCents: 1000 },
    ],
    provider: [
      { orderId: 'confirmed', capturedCents: 1000, refundedCents: 0 },
      { orderId: 'cancelled', capturedCents: 1000, refundedCents: 1000 },
      { orderId: 'waiting', capturedCents: 1000, refundedCents: 0 },
    ],
    stock: [stock()],
    reservations: [
      { orderId: 'confirmed', status: 'COMMITTED', lines: [{ sku: 'MUG', quantity: 2 }] },
      { orderId: 'cancelled', status: 'RELEASED', lines: [{ sku: 'MUG', quantity: 2 }] },
      { orderId: 'waiting', status: 'RESERVED', lines: [{ sku: 'MUG', quantity: 2 }] },
    ],
    notifications: new Map([
      ['confirmed:order_confirmed', { id: 'confirmed:order_confirmed', status: 'SENT', sendAttempts: 1 }],
      ['cancelled:order_cancelled', { id: 'cancelled:order_cancelled', status: 'SENT', sendAttempts: 1 }],
    ]),
  };
}

const breaches = (snapshot: Snapshot) => Object.fromEntries(runChecks(snapshot, grace).map((r) => [r.name, r.breaches]));

describe('the audit checks', () => {
  it('find nothing wrong with a shop whose books are right, and give its figures', () => {
    const results = runChecks(cleanShop(), grace);
    expect(results.flatMap((r) => r.breaches)).toEqual([]);
    expect(results.find((r) => r.name === 'money')!.figures).toEqual([
      'ledger: 3 charges 30.00 - 1 refunds 10.00 = 20.00',
      'totals of settled CONFIRMED/SHIPPED/DELIVERED/AWAITING_APPROVAL orders: 20.00',
      'provider: 3 captures 30.00 - refunds 10.00 = 20.00',
    ]);
    expect(results.find((r) => r.name === 'orders')!.figures[0]).toBe('AWAITING_APPROVAL 1, CANCELLED 1, CONFIRMED 1');
  });

  it('name an order stuck PENDING past the grace period, a saga that failed, and a FAILED order; a young one is in flight', () => {
    const shop = cleanShop();
    shop.orders.push(
      order('stuck', 'PENDING'),
      order('young', 'PENDING', { updatedAt: new Date(now.getTime() - 5_000) }),
      order('failed', 'FAILED', { failureReason: 'compensation failed: refund: provider unreachable' }),
    );
    shop.workflows.set('stuck', saga('stuck', 'PENDING', 'RUNNING'));
    shop.workflows.set('young', saga('young', 'PENDING', 'RUNNING'));
    shop.workflows.set('failed', saga('failed', 'FAILED', 'COMPLETED'));
    shop.workflows.set('ghost', saga('ghost', 'PENDING', 'TERMINATED'));
    expect(breaches(shop).orders).toEqual([
      'order stuck: PENDING for 3600 s',
      'order failed: FAILED, waiting for an operator (compensation failed: refund: provider unreachable)',
      'order saga order-ghost (TERMINATED, PENDING) has no order record',
      'order saga order-ghost ended TERMINATED: a saga never fails, it settles the order',
    ]);
    expect(runChecks(shop, grace)[0]!.figures).toContain('1 in flight (younger than 120 s), left out of the other checks');
  });

  it('name a saga without an order record with its last failure, and a settled order whose log lacks a step (a lost write)', () => {
    const shop = cleanShop();
    shop.workflows.set('orphan', {
      ...saga('orphan', 'FAILED', 'COMPLETED'),
      lastFailure: 'Activity task failed: order orphan has no OrderPlaced event',
    });
    shop.orders[0]!.events = CONFIRMED_LOG.filter((type) => type !== 'PaymentCaptured');
    expect(breaches(shop).orders).toEqual([
      'order confirmed (CONFIRMED): its event log lacks PaymentCaptured',
      'order saga order-orphan (COMPLETED, FAILED) has no order record; its last failure: Activity task failed: order orphan has no OrderPlaced event',
    ]);
  });

  it('name a read model its saga disagrees with', () => {
    const shop = cleanShop();
    shop.workflows.set('confirmed', saga('confirmed', 'AWAITING_APPROVAL', 'RUNNING'));
    expect(breaches(shop).orders).toEqual(['order confirmed: read model CONFIRMED, saga AWAITING_APPROVAL for 3600 s']);
  });

  it('tell a saga still unwinding a cancel (status and run as at rest, work pending) from one at rest', () => {
    const shop = cleanShop();
    shop.workflows.set('confirmed', { ...saga('confirmed', 'CONFIRMED', 'RUNNING'), pendingWork: 1 });
    expect(breaches(shop).orders).toEqual([
      "order confirmed: CONFIRMED but its saga still has 1 activities or tasks pending (e.g. a cancel's compensations) for 3600 s",
    ]);
  });

  it('name a second charge, a cancelled order that kept the money, and a provider that holds other money than the ledger', () => {
    const shop = cleanShop();
    shop.ledger.push({ id: 'confirmed:charge-2', orderId: 'confirmed', type: 'charge', amountCents: 1000 });
    shop.ledger = shop.ledger.filter((e) => e.id !== 'cancelled:refund');
    shop.provider!.find((p) => p.orderId === 'waiting')!.capturedCents = 2000;
    expect(breaches(shop).money).toEqual([
      'order confirmed: charged 2 times (10.00, 10.00)',
      'order confirmed (CONFIRMED): the ledger holds 20.00, expected 10.00',
      'order cancelled (CANCELLED): the ledger holds 10.00, expected 0.00',
      'order confirmed: the provider holds 10.00, our ledger 20.00',
      'order cancelled: the provider holds 0.00, our ledger 10.00',
      'order waiting: the provider holds 20.00, our ledger 10.00',
    ]);
  });

  it('name money kept for no order', () => {
    const shop = cleanShop();
    shop.ledger.push({ id: 'nobody:charge', orderId: 'nobody', type: 'charge', amountCents: 500 });
    shop.provider!.push({ orderId: 'nobody', capturedCents: 500, refundedCents: 0 });
    expect(breaches(shop).money).toEqual(['ledger: 5.00 kept for nobody, which is no order']);
  });

  it('name units made up or lost, a reservation its order contradicts, and units the orders do not account for', () => {
    const shop = cleanShop();
    shop.stock = [stock({ available: 7 })];
    shop.reservations[0]!.status = 'RELEASED';
    expect(breaches(shop).stock).toEqual([
      'MUG: received 10 + restocked 0 != available 7 + reserved 2 + committed 2',
      'order confirmed (CONFIRMED): its reservation is RELEASED',
    ]);
    shop.stock = [stock({ available: 4, committed: 4 })];
    expect(breaches(shop).stock).toContain('MUG: committed 4 - restocked 0 = 4 units gone, but confirmed orders took 2');
  });

  it('name a sku that settled orders took with no stock document (its counters lost)', () => {
    const shop = cleanShop();
    shop.stock = [];
    expect(breaches(shop).stock).toEqual(['MUG: settled orders took or hold units of it, but it has no stock document']);
  });

  it('name a confirmation never sent, one stuck, one that may have gone out twice, and one its order does not call for', () => {
    const shop = cleanShop();
    shop.orders.push(
      order('twice', 'CONFIRMED', { events: ['OrderConfirmed'] }),
      order('stuck-mail', 'DELIVERED', { events: ['OrderConfirmed'] }),
      order('silent', 'CANCELLED'),
    );
    // cancelled after its confirmation, before the confirmation went out: only the cancel is owed
    shop.orders.push(order('late-cancel', 'CANCELLED', { events: ['OrderConfirmed'] }));
    shop.workflows.set('late-cancel', saga('late-cancel', 'CANCELLED', 'COMPLETED'));
    shop.notifications.set('late-cancel:order_cancelled', { id: 'late-cancel:order_cancelled', status: 'SENT', sendAttempts: 1 });
    shop.workflows.set('twice', saga('twice', 'CONFIRMED', 'RUNNING'));
    shop.workflows.set('stuck-mail', saga('stuck-mail', 'DELIVERED', 'COMPLETED'));
    shop.workflows.set('silent', saga('silent', 'CANCELLED', 'COMPLETED'));
    shop.notifications.set('twice:order_confirmed', { id: 'twice:order_confirmed', status: 'SENT', sendAttempts: 2 });
    // Taken over, but sent to the outbox: the document is the message, nothing went out twice.
    shop.orders.push(order('outbox-twice', 'CONFIRMED', { events: ['OrderConfirmed'] }));
    shop.workflows.set('outbox-twice', saga('outbox-twice', 'CONFIRMED', 'RUNNING'));
    shop.notifications.set('outbox-twice:order_confirmed', {
      id: 'outbox-twice:order_confirmed',
      status: 'SENT',
      sendAttempts: 2,
      transportId: 'outbox:outbox-twice:order_confirmed',
    });
    shop.notifications.set('stuck-mail:order_confirmed', { id: 'stuck-mail:order_confirmed', status: 'SENDING', sendAttempts: 1 });
    shop.notifications.set('waiting:order_confirmed', { id: 'waiting:order_confirmed', status: 'SENT', sendAttempts: 1 });
    expect(breaches(shop).notifications).toEqual([
      'twice:order_confirmed: may have gone out 2 times',
      'stuck-mail:order_confirmed: SENDING, not sent',
      'silent:order_cancelled: never sent',
      'waiting:order_confirmed: sent, but order waiting is AWAITING_APPROVAL',
    ]);
  });
});

describe('the carts at rest (chaos run)', () => {
  const emptyCart = { orderId: 'bought', status: 200, lines: [] };

  it('no claim and empty carts pass', () => {
    const result = judgeCarts({ claims: [], carts: [emptyCart] });
    expect(result.breaches).toEqual([]);
    expect(result.figures).toEqual(['carts whose last checkout placed an order: 1, empty 1', 'checkout claims left at rest: 0']);
  });

  it('a claim left, a bought line left and a cart that could not be read are each named', () => {
    const result = judgeCarts({
      claims: [{ key: 'cart:u1:checkout', value: '{"id":"o1","items":[{"sku":"MUG","quantity":1}]}' }],
      carts: [emptyCart, { orderId: 'o2', status: 200, lines: [{ sku: 'MUG', quantity: 2 }] }, { orderId: 'o3', status: 503 }],
    });
    expect(result.breaches).toEqual([
      'cart:u1:checkout is still claimed at rest: {"id":"o1","items":[{"sku":"MUG","quantity":1}]}',
      'the cart of checkout order o2 still holds [{"sku":"MUG","quantity":2}]',
      'the cart of checkout order o3: GET /cart answered 503',
    ]);
    expect(result.figures[0]).toBe('carts whose last checkout placed an order: 3, empty 1');
  });
});
