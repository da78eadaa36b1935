// The order saga, run by the orders service: record, price, reserve, charge,
// (approve), confirm, commit, then notify and ship. Each undoable step owes its
// compensation before it runs; on a business failure, an approval timeout or a
// customer's cancel the owed compensations run in reverse inside a
// non-cancellable scope. Whatever happens, the run ends with an order status
// (CONFIRMED..DELIVERED, CANCELLED or FAILED), never as a failed workflow run:
// an order that needs an operator says so in its status, its events, the
// `OrderStatus` search attribute, an alert and a metric.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  metricMeter,
  patched,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Contact, OrderEvent, PriceSnapshot } from '../shared/domain/order.js';
import { REASON_FOR_FAILURE, type BusinessFailureType, type CancellationReason, type OrderStatus } from '../shared/domain/vocabulary.js';
import { catalog, compensations, inventory, inventoryCommit, orders, payments } from './activity-proxies.js';
import {
  UPDATE_ALREADY_APPLIED,
  UPDATE_REJECTED,
  approveOrderUpdate,
  cancelOrderUpdate,
  carrierPickupUpdate,
  sagaStateQuery,
  settledUpdate,
  shipmentProgressSignal,
  type OrderSagaInput,
  type OrderSagaResult,
  type SagaState,
  type ShipmentProgress,
  type UpdateAnswer,
} from '../services/orders/temporal/contract.js';
import { firstOrderPlacedSignal, onboardingWorkflow } from '../services/users/temporal/contract.js';
import type { fulfilment } from './fulfilment.js';
import { alertOperators, lookUpContact, notifyUser } from './notify.js';
import { SagaLog, describeFailure } from './saga-log.js';
import { CustomerIdKey, OrderStatusKey, OrderTotalKey } from '../services/orders/temporal/search-attributes.js';
import { fulfilmentWorkflow } from '../services/shipping/temporal/contract.js';

/** Ends the forward path with a cancellation reason that is not an activity's failure. */
class SagaCancelled extends Error {
  constructor(readonly reason: CancellationReason) {
    super(reason);
  }
}

const FINAL: readonly OrderStatus[] = ['CANCELLED', 'FAILED', 'DELIVERED'];

/** Added after the first release: tell the onboarding workflow that the customer ordered. */
export const SIGNAL_ONBOARDING_PATCH = 'signal-onboarding-on-first-order';

/** Added after the chaos run found a cancelled order whose log said OrderConfirmed: no decision after an accepted cancel. */
export const NO_DECISION_AFTER_CANCEL_PATCH = 'no-decision-after-cancel';

/**
 * Added when an accepted cancel stopped answering the status it leaves: from the accepted
 * cancel on, the order shows CANCELLING (query, search attribute, the cancel's answer) until
 * it ends CANCELLED or FAILED.
 */
export const CANCELLING_STATUS_PATCH = 'cancelling-status';

/**
 * Added to spare round trips (issue 21): the forward steps' records wait for the next record that
 * must be written at once and go with it, in one write (`recordOrderEvents`): two writes to
 * CONFIRMED instead of six. Search attributes are upserted only when they change: the gateway's
 * start already sets PENDING and CustomerId, and the total goes with the next status.
 */
export const FEWER_ROUND_TRIPS_PATCH = 'fewer-round-trips';

/** Orders by how their saga came out (FAILED ones need an operator); replays do not count twice. */
const outcomes = metricMeter.createCounter(
  'sagashop_order_outcomes',
  'orders',
  'Order sagas by the status they came out in: CONFIRMED, CANCELLED or FAILED',
);
/** Seconds from the saga's start to each of those outcomes: placed → CONFIRMED is what a customer waits for. */
const outcomeSeconds = metricMeter.createHistogram(
  'sagashop_order_saga_seconds',
  'float',
  's',
  'Time from the start of an order saga to its outcome, by status',
);
const OUTCOMES: readonly OrderStatus[] = ['CONFIRMED', 'CANCELLED', 'FAILED'];

/** A refused update: its validator throws, so nothing reaches the history; the gateway answers 409. */
const refuse = (reason: string, status: OrderStatus) =>
  ApplicationFailure.create({ type: UPDATE_REJECTED, message: reason, details: [{ status }], nonRetryable: true });
/** A repeat of what was already accepted: answered by the validator, so it adds nothing to the history. */
const alreadyApplied = (what: string, status: OrderStatus) =>
  ApplicationFailure.create({ type: UPDATE_ALREADY_APPLIED, message: what, details: [{ status }], nonRetryable: true });

export async function orderSaga(input: OrderSagaInput): Promise<OrderSagaResult> {
  const run = new OrderRun(input);
  answerTheGateway(run);
  const started = workflowInfo().typedSearchAttributes;
  const unset = !run.batched || started.get(OrderStatusKey) !== 'PENDING' || started.get(CustomerIdKey) !== input.customerId;
  if (unset)
    upsertSearchAttributes([
      { key: OrderStatusKey, value: 'PENDING' },
      { key: CustomerIdKey, value: input.customerId },
    ]);

  let result: OrderSagaResult;
  try {
    result = await goForward(run);
  } catch (error) {
    result = await unwind(run, error);
  }
  // Updates still waiting (e.g. `settled`) answer before the run closes.
  await condition(allHandlersFinished);
  return result;
}

/**
 * One run of the saga: the order's state as the `sagaState` query shows it, what the customer,
 * an admin and the carrier have said (the updates and signals), and the order's records.
 */
class OrderRun {
  readonly saga = new SagaLog();
  readonly state: SagaState;
  readonly undo: ReturnType<typeof compensations>;
  // Everything the customer may still cancel runs in this scope. A cancel that
  // arrives before the scope runs cancels it in advance: its first step then
  // stops at once and the (empty) compensations run.
  readonly cancellable: CancellationScope;
  cancelRequestedBy: string | undefined;
  approvedBy: string | undefined;
  /** Set once the forward path has stopped: 'cancel' ends CANCELLED, 'failure' ends FAILED. */
  unwinding: 'cancel' | 'failure' | undefined;
  pickedUp = false;
  delivered = false;
  /** A cancel was accepted (under CANCELLING_STATUS_PATCH): only the outcome may replace CANCELLING. */
  private cancelling = false;
  /** Every event recorded so far, in order (see `record`). */
  private readonly recorded: OrderEvent[] = [];
  /** Under FEWER_ROUND_TRIPS_PATCH: events noted since the last record, written with the next one. */
  private readonly noted: OrderEvent[] = [];
  /** Under FEWER_ROUND_TRIPS_PATCH: the order's total, upserted with the next status. */
  private total: number | undefined;
  /** Whether this run records in batches (FEWER_ROUND_TRIPS_PATCH); decided once, at its start. */
  readonly batched: boolean;

  constructor(readonly input: OrderSagaInput) {
    const { orderId, customerId, settings } = input;
    this.state = { orderId, customerId, status: 'PENDING', steps: this.saga.steps, compensations: this.saga.compensations };
    this.undo = compensations(settings.compensationMaxAttempts);
    this.cancellable = new CancellationScope();
    this.batched = patched(FEWER_ROUND_TRIPS_PATCH);
  }

  /** The total is searchable: at once in runs from before FEWER_ROUND_TRIPS_PATCH, else with the next status. */
  priced(totalCents: number): void {
    if (this.batched) this.total = totalCents;
    else upsertSearchAttributes([{ key: OrderTotalKey, value: totalCents }]);
  }

  setStatus(status: OrderStatus): void {
    // A step that was already running when the cancel came may still finish (e.g. the commit):
    // the order keeps saying it is being cancelled, not what it is leaving.
    if (this.cancelling && !FINAL.includes(status)) return;
    this.state.status = status;
    const total = this.total === undefined ? [] : [{ key: OrderTotalKey, value: this.total }];
    this.total = undefined;
    upsertSearchAttributes([{ key: OrderStatusKey, value: status }, ...total]);
    if (OUTCOMES.includes(status)) {
      outcomes.add(1, { status });
      outcomeSeconds.record((Date.now() - workflowInfo().startTime.getTime()) / 1000, { status });
    }
  }

  // The order's log must say what happened: a record is never cut short by a cancel
  // (a cancel in the meantime takes effect at the next step). The log is this saga's
  // projection: each record carries every event recorded before it, so the store
  // writes again whatever of them it lost (a database crash) instead of failing the run.
  // Under FEWER_ROUND_TRIPS_PATCH every event noted since the last record goes with it, in
  // one write: the log never lacks or reorders an event, it gets the forward steps' a few steps later.
  async record(event: OrderEvent): Promise<void> {
    const { orderId } = this.input;
    const earlier = this.recorded.length ? { earlier: [...this.recorded] } : {};
    if (!this.batched) {
      await CancellationScope.nonCancellable(() => orders.recordOrderEvent({ orderId, event, ...earlier }));
      this.recorded.push(event);
      return;
    }
    const events = [...this.noted, event];
    await CancellationScope.nonCancellable(() => orders.recordOrderEvents({ orderId, events, ...earlier }));
    // Only what was written: a record that failed leaves its noted events for the next one.
    this.noted.splice(0, events.length - 1);
    this.recorded.push(...events);
  }

  /** Something that has happened, for the log; under FEWER_ROUND_TRIPS_PATCH written with the next record. */
  note(event: OrderEvent): Promise<void> {
    if (!this.batched) return this.record(event);
    this.noted.push(event);
    return Promise.resolve();
  }

  // A decision, unlike the record of something that has happened (a capture), is never taken once
  // the customer's cancel was accepted: the step running when it came (the charge waits for its
  // attempt to end) may still finish, and the saga must then unwind, not confirm.
  decide(event: OrderEvent, { now }: { now: boolean }): Promise<void> {
    if (this.cancellable.consideredCancelled && patched(NO_DECISION_AFTER_CANCEL_PATCH))
      throw new CancelledFailure('cancelled by the customer');
    return now ? this.record(event) : this.note(event);
  }

  /** The `settled` update: an accepted cancel is on its way, so settled once it has ended (CANCELLED, or FAILED). */
  async settled(): Promise<SagaState> {
    await condition(() => this.state.status !== 'PENDING' && this.state.status !== 'CANCELLING');
    return this.state;
  }

  cancel(requestedBy: string): UpdateAnswer {
    if (!this.cancelRequestedBy) {
      this.cancelRequestedBy = requestedBy;
      this.cancellable.cancel();
      if (patched(CANCELLING_STATUS_PATCH)) {
        this.setStatus('CANCELLING');
        this.cancelling = true;
      }
    }
    return { status: this.state.status };
  }

  refuseCancelIfTooLate(): void {
    const { status } = this.state;
    // Once final, every cancel is refused alike, whether the run is still telling the
    // customer or over (then the gateway answers for it): never 200 one moment, 409 the next.
    if (FINAL.includes(status)) throw refuse(`the order is ${status}`, status);
    // A repeat of an accepted cancel: the same answer, without a second update in the history.
    if (this.cancelRequestedBy) throw alreadyApplied('the cancel was already accepted', status);
    if (this.pickedUp) throw refuse('the order has already been picked up by the carrier', status);
    if (this.unwinding === 'failure') throw refuse('the order failed and is waiting for an operator', status);
    if (this.approvedBy !== undefined && status === 'AWAITING_APPROVAL')
      throw refuse('the order was just approved and is being confirmed', status);
  }

  approve(by: string): UpdateAnswer {
    this.approvedBy ??= by;
    return { status: this.state.status };
  }

  refuseApprovalUnlessAwaited(by: string): void {
    const { status } = this.state;
    if (this.cancelRequestedBy || this.unwinding) throw refuse('the order is being cancelled', status);
    if (status !== 'AWAITING_APPROVAL') throw refuse('the order is not awaiting approval', status);
    // Four eyes: whoever placed the order does not approve it, admin or not.
    if (by === this.input.customerId) throw refuse('an order is approved by someone other than its customer', status);
    if (this.approvedBy !== undefined) throw alreadyApplied('the order was already approved', status);
  }

  pickUp(shipment: NonNullable<SagaState['shipment']>): UpdateAnswer {
    this.pickedUp = true;
    this.state.shipment ??= shipment;
    return { status: this.state.status };
  }

  refusePickupAfterCancel(): void {
    // The cancel came first and stands: the order is being (or was) cancelled, the shipment with it.
    if (this.cancelRequestedBy || this.unwinding) throw refuse('the order was cancelled before the pickup', this.state.status);
    if (this.pickedUp) throw alreadyApplied('the pickup is already known', this.state.status);
  }

  followShipment(progress: ShipmentProgress): void {
    this.state.shipment = { shipmentId: progress.shipmentId, trackingNumber: progress.trackingNumber };
    if (progress.stage === 'PICKED_UP' || progress.stage === 'DELIVERED') this.pickedUp = true;
    if (progress.stage === 'DELIVERED') this.delivered = true;
  }
}

/** The saga's query, updates and signal: what the gateway asks of it and tells it. */
function answerTheGateway(run: OrderRun): void {
  setHandler(sagaStateQuery, () => run.state);
  setHandler(settledUpdate, () => run.settled());
  // Cancel and approve are decided by their validators, before anything is written: exactly one
  // of a concurrent approve and cancel wins, the other is refused with the current status.
  setHandler(cancelOrderUpdate, ({ requestedBy }) => run.cancel(requestedBy), { validator: (_request) => run.refuseCancelIfTooLate() });
  setHandler(approveOrderUpdate, ({ approvedBy }) => run.approve(approvedBy), {
    validator: ({ approvedBy }: { approvedBy: string }) => run.refuseApprovalUnlessAwaited(approvedBy),
  });
  // The carrier's pickup, told by the gateway's webhook before it answers the carrier: from the
  // moment it is accepted no cancel is, so a parcel in the carrier's hands is never refunded.
  setHandler(carrierPickupUpdate, (shipment) => run.pickUp(shipment), { validator: (_shipment) => run.refusePickupAfterCancel() });
  setHandler(shipmentProgressSignal, (progress) => run.followShipment(progress));
}

/** The forward path, to the order's delivery; a business failure, a timeout or a cancel throws out of it. */
async function goForward(run: OrderRun): Promise<OrderSagaResult> {
  // Outside the cancellable scope: every later event, OrderCancelled included, needs this one.
  await run.saga.step('record', () => recordPlaced(run));
  await run.cancellable.run(() => sellAndShip(run));
  return followTheParcel(run);
}

function recordPlaced(run: OrderRun): Promise<void> {
  const { customerId, items, shippingAddress, requestId } = run.input;
  return run.record({ type: 'OrderPlaced', data: { customerId, items, shippingAddress, ...(requestId ? { requestId } : {}) } });
}

/** Everything the customer may still cancel, until the carrier has picked the parcel up. */
async function sellAndShip(run: OrderRun): Promise<void> {
  const { priced, contact } = await priceOrder(run);
  await reserveStock(run);
  await chargePayment(run, priced);
  if (priced.totalCents > run.input.settings.approvalThresholdCents) await awaitApproval(run);
  else run.saga.skip('approval');
  await confirmOrder(run);
  // The confirmation, the onboarding signal and the shipment start together.
  await Promise.all([notifyConfirmed(run, priced, contact), tellOnboarding(run), shipUntilPickedUp(run)]);
}

async function priceOrder(run: OrderRun): Promise<{ priced: PriceSnapshot; contact: Contact | undefined }> {
  const { orderId, customerId, items, contact: given } = run.input;
  // The customer's address is needed for the confirmation. The gateway passes it along; a saga
  // placed before it did fetches it while pricing (the input is in the history: replays agree).
  const [priced, contact] = await Promise.all([
    run.saga.step('price', () => catalog.priceOrder({ orderId, items })),
    given ?? lookUpContact(customerId),
  ]);
  run.state.totalCents = priced.totalCents;
  run.state.currency = priced.currency;
  run.priced(priced.totalCents);
  await run.note({ type: 'OrderPriced', data: { lines: priced.lines, totalCents: priced.totalCents, currency: priced.currency } });
  return { priced, contact };
}

async function reserveStock(run: OrderRun): Promise<void> {
  const { orderId, items } = run.input;
  run.saga.owe('release', async () => {
    const { released } = await run.undo.inventory.releaseStock({ orderId });
    if (released) await run.record({ type: 'StockReleased', data: {} });
  });
  await run.saga.step('reserve', () => inventory.reserveStock({ orderId, lines: items }));
  await run.note({ type: 'StockReserved', data: {} });
}

async function chargePayment(run: OrderRun, priced: PriceSnapshot): Promise<void> {
  const { orderId, paymentToken } = run.input;
  run.saga.owe('refund', async () => {
    const refund = await run.undo.payments.refundPayment({ orderId });
    if (refund.refunded && refund.refundId)
      await run.record({ type: 'PaymentRefunded', data: { refundId: refund.refundId, amountCents: refund.amountCents } });
  });
  const { totalCents: amountCents, currency } = priced;
  const charge = await run.saga.step('charge', () => payments.chargePayment({ orderId, amountCents, currency, paymentToken }));
  await run.note({ type: 'PaymentCaptured', data: { chargeId: charge.chargeId, amountCents: charge.amountCents } });
}

/** Above the threshold an admin approves the order (durable timer); none within the timeout cancels it. */
async function awaitApproval(run: OrderRun): Promise<void> {
  const { approvalThresholdCents, approvalTimeout } = run.input.settings;
  // Written at once: the read model says AWAITING_APPROVAL when the saga does.
  await run.decide({ type: 'ApprovalRequested', data: { thresholdCents: approvalThresholdCents } }, { now: true });
  run.setStatus('AWAITING_APPROVAL');
  const approved = await run.saga.step('approval', () => condition(() => run.approvedBy !== undefined, approvalTimeout));
  if (!approved) throw new SagaCancelled('APPROVAL_TIMEOUT');
  await run.note({ type: 'OrderApproved', data: { approvedBy: run.approvedBy ?? 'unknown' } });
}

async function confirmOrder(run: OrderRun): Promise<void> {
  const { orderId } = run.input;
  await run.saga.step('confirm', () => run.decide({ type: 'OrderConfirmed', data: {} }, { now: false }));
  await run.saga.step('commit', () => inventoryCommit.commitStock({ orderId }));
  // Written at once, with whatever the forward steps noted: the log is whole when the order shows CONFIRMED.
  await run.record({ type: 'StockCommitted', data: {} });
  // Shown once the stock is committed, so a CONFIRMED order never still holds a reservation.
  run.setStatus('CONFIRMED');
}

function notifyConfirmed(run: OrderRun, priced: PriceSnapshot, contact: Contact | undefined): Promise<unknown> {
  const { orderId, customerId } = run.input;
  const data = { orderId, totalCents: priced.totalCents, currency: priced.currency };
  return run.saga.step('notify', () => notifyUser(`${orderId}:order_confirmed`, customerId, 'order_confirmed', data, contact));
}

function tellOnboarding(run: OrderRun): Promise<unknown> | undefined {
  if (!patched(SIGNAL_ONBOARDING_PATCH)) return undefined;
  const { orderId, customerId } = run.input;
  // The onboarding workflow may have finished already; then there is nobody to tell.
  return getExternalWorkflowHandle(onboardingWorkflow.id(customerId))
    .signal(firstOrderPlacedSignal, { orderId })
    .catch(() => undefined);
}

function shipUntilPickedUp(run: OrderRun): Promise<void> {
  const { orderId, customerId, shippingAddress: address, items: lines, settings } = run.input;
  return run.saga.step('ship', async () => {
    // The child runs in the shipping service and outlives this saga (ABANDON): it asks for a review days after delivery.
    await startChild<typeof fulfilment>(fulfilmentWorkflow.type, {
      taskQueue: fulfilmentWorkflow.taskQueue,
      workflowId: fulfilmentWorkflow.id(orderId),
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [{ orderId, customerId, address, lines, settings: settings.fulfilment }],
    });
    await condition(() => run.pickedUp);
  });
}

/** Picked up: from here the customer can no longer cancel, and the order follows its parcel. */
async function followTheParcel(run: OrderRun): Promise<OrderSagaResult> {
  const shipment = run.state.shipment ?? { shipmentId: 'unknown', trackingNumber: 'unknown' };
  await run.record({ type: 'OrderShipped', data: shipment });
  run.setStatus('SHIPPED');
  await condition(() => run.delivered);
  await run.record({ type: 'OrderDelivered', data: {} });
  run.setStatus('DELIVERED');
  return { orderId: run.input.orderId, status: 'DELIVERED' };
}

/** The forward path stopped: runs the owed compensations, then settles the order CANCELLED, or FAILED. */
async function unwind(run: OrderRun, error: unknown): Promise<OrderSagaResult> {
  const reason = cancellationReason(error, run.cancelRequestedBy !== undefined);
  run.unwinding = reason ? 'cancel' : 'failure';
  if (!reason) log.error('order saga failed unexpectedly; compensating', { orderId: run.input.orderId, error: describeFailure(error) });
  return CancellationScope.nonCancellable(async () => {
    const failed = await run.saga.compensate();
    if (failed.length > 0) return failOrder(run, `compensation failed: ${failed.join('; ')}`);
    return reason ? cancelOrder(run, reason) : failOrder(run, describeFailure(error));
  });
}

/** FAILED: an undo never succeeded, or the failure was not the business's; an operator takes over. */
async function failOrder(run: OrderRun, why: string): Promise<OrderSagaResult> {
  const { orderId } = run.input;
  // Recorded before the status changes, so whoever sees FAILED also finds the event.
  await run
    .record({ type: 'OrderFailed', data: { reason: why.slice(0, 2000) } })
    .catch((recordError: unknown) => log.error('could not record OrderFailed', { orderId, error: describeFailure(recordError) }));
  run.state.failure = { reason: why };
  run.setStatus('FAILED');
  await alertOperators(`${orderId}:failed`, { orderId, reason: why.slice(0, 2000) });
  return { orderId, status: 'FAILED', failure: run.state.failure };
}

async function cancelOrder(run: OrderRun, reason: CancellationReason): Promise<OrderSagaResult> {
  const { orderId, customerId } = run.input;
  await run.record({ type: 'OrderCancelled', data: { reason } });
  run.state.cancellation = { reason };
  run.setStatus('CANCELLED');
  await notifyUser(`${orderId}:order_cancelled`, customerId, 'order_cancelled', { orderId, reason });
  return { orderId, status: 'CANCELLED', cancellation: { reason } };
}

/** Which cancellation reason an error of the forward path means; undefined for an unexpected failure. */
function cancellationReason(error: unknown, customerCancelled: boolean): CancellationReason | undefined {
  if (error instanceof SagaCancelled) return error.reason;
  if (customerCancelled && isCancellation(error)) return 'CUSTOMER_CANCELLED';
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure && cause.type) {
    const reason = REASON_FOR_FAILURE[cause.type as BusinessFailureType];
    if (reason) return reason;
  }
  if (customerCancelled) return 'CUSTOMER_CANCELLED';
  return undefined;
}
