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
import type { OrderEvent } from '../shared/domain/order.js';
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
  const { orderId, customerId, settings } = input;
  const saga = new SagaLog();
  const state: SagaState = { orderId, customerId, status: 'PENDING', steps: saga.steps, compensations: saga.compensations };
  const undo = compensations(settings.compensationMaxAttempts);
  // Everything the customer may still cancel runs in this scope. A cancel that
  // arrives before the scope runs cancels it in advance: its first step then
  // stops at once and the (empty) compensations run.
  const cancellable = new CancellationScope();
  let cancelRequestedBy: string | undefined;
  let approvedBy: string | undefined;
  /** Set once the forward path has stopped: 'cancel' ends CANCELLED, 'failure' ends FAILED. */
  let unwinding: 'cancel' | 'failure' | undefined;
  let pickedUp = false;
  let delivered = false;
  /** A cancel was accepted (under CANCELLING_STATUS_PATCH): only the outcome may replace CANCELLING. */
  let cancelling = false;

  const setStatus = (status: OrderStatus) => {
    // A step that was already running when the cancel came may still finish (e.g. the commit):
    // the order keeps saying it is being cancelled, not what it is leaving.
    if (cancelling && !FINAL.includes(status)) return;
    state.status = status;
    upsertSearchAttributes([{ key: OrderStatusKey, value: status }]);
    if (OUTCOMES.includes(status)) {
      outcomes.add(1, { status });
      outcomeSeconds.record((Date.now() - workflowInfo().startTime.getTime()) / 1000, { status });
    }
  };
  // The order's log must say what happened: a record is never cut short by a cancel
  // (a cancel in the meantime takes effect at the next step). The log is this saga's
  // projection: each record carries every event recorded before it, so the store
  // writes again whatever of them it lost (a database crash) instead of failing the run.
  const recorded: OrderEvent[] = [];
  const record = async (event: OrderEvent) => {
    const result = await CancellationScope.nonCancellable(() =>
      orders.recordOrderEvent({ orderId, event, ...(recorded.length ? { earlier: [...recorded] } : {}) }),
    );
    recorded.push(event);
    return result;
  };
  // A decision, unlike the record of something that has happened (a capture), is never taken once
  // the customer's cancel was accepted: the step running when it came (the charge waits for its
  // attempt to end) may still finish, and the saga must then unwind, not confirm.
  const decide = (event: OrderEvent) => {
    if (cancellable.consideredCancelled && patched(NO_DECISION_AFTER_CANCEL_PATCH)) throw new CancelledFailure('cancelled by the customer');
    return record(event);
  };

  setHandler(sagaStateQuery, () => state);
  setHandler(settledUpdate, async () => {
    // An accepted cancel is on its way: settled once it has ended (CANCELLED, or FAILED).
    await condition(() => state.status !== 'PENDING' && state.status !== 'CANCELLING');
    return state;
  });
  setHandler(
    cancelOrderUpdate,
    ({ requestedBy }) => {
      if (!cancelRequestedBy) {
        cancelRequestedBy = requestedBy;
        cancellable.cancel();
        if (patched(CANCELLING_STATUS_PATCH)) {
          setStatus('CANCELLING');
          cancelling = true;
        }
      }
      return { status: state.status };
    },
    {
      // Decided here, before anything is written: exactly one of a concurrent
      // approve and cancel wins, the other is refused with the current status.
      validator: (_request) => {
        // Once final, every cancel is refused alike, whether the run is still telling the
        // customer or over (then the gateway answers for it): never 200 one moment, 409 the next.
        if (FINAL.includes(state.status)) throw refuse(`the order is ${state.status}`, state.status);
        // A repeat of an accepted cancel: the same answer, without a second update in the history.
        if (cancelRequestedBy) throw alreadyApplied('the cancel was already accepted', state.status);
        if (pickedUp) throw refuse('the order has already been picked up by the carrier', state.status);
        if (unwinding === 'failure') throw refuse('the order failed and is waiting for an operator', state.status);
        if (approvedBy !== undefined && state.status === 'AWAITING_APPROVAL')
          throw refuse('the order was just approved and is being confirmed', state.status);
      },
    },
  );
  setHandler(
    approveOrderUpdate,
    ({ approvedBy: by }) => {
      approvedBy ??= by;
      return { status: state.status };
    },
    {
      validator: ({ approvedBy: by }) => {
        if (cancelRequestedBy || unwinding) throw refuse('the order is being cancelled', state.status);
        if (state.status !== 'AWAITING_APPROVAL') throw refuse('the order is not awaiting approval', state.status);
        // Four eyes: whoever placed the order does not approve it, admin or not.
        if (by === customerId) throw refuse('an order is approved by someone other than its customer', state.status);
        if (approvedBy !== undefined) throw alreadyApplied('the order was already approved', state.status);
      },
    },
  );
  // The carrier's pickup, told by the gateway's webhook before it answers the carrier: from the
  // moment it is accepted no cancel is, so a parcel in the carrier's hands is never refunded.
  setHandler(
    carrierPickupUpdate,
    (shipment) => {
      pickedUp = true;
      state.shipment ??= shipment;
      return { status: state.status };
    },
    {
      validator: (_shipment) => {
        // The cancel came first and stands: the order is being (or was) cancelled, the shipment with it.
        if (cancelRequestedBy || unwinding) throw refuse('the order was cancelled before the pickup', state.status);
        if (pickedUp) throw alreadyApplied('the pickup is already known', state.status);
      },
    },
  );
  setHandler(shipmentProgressSignal, (progress) => {
    state.shipment = { shipmentId: progress.shipmentId, trackingNumber: progress.trackingNumber };
    if (progress.stage === 'PICKED_UP' || progress.stage === 'DELIVERED') pickedUp = true;
    if (progress.stage === 'DELIVERED') delivered = true;
  });

  upsertSearchAttributes([
    { key: OrderStatusKey, value: 'PENDING' },
    { key: CustomerIdKey, value: customerId },
  ]);

  let result: OrderSagaResult;
  try {
    // Outside the cancellable scope: every later event, OrderCancelled included, needs this one.
    await saga.step('record', () =>
      record({
        type: 'OrderPlaced',
        data: {
          customerId,
          items: input.items,
          shippingAddress: input.shippingAddress,
          ...(input.requestId ? { requestId: input.requestId } : {}),
        },
      }),
    );

    await cancellable.run(async () => {
      // The customer's address is needed for the confirmation; fetch it while pricing.
      const [priced, contact] = await Promise.all([
        saga.step('price', () => catalog.priceOrder({ orderId, items: input.items })),
        lookUpContact(customerId),
      ]);
      state.totalCents = priced.totalCents;
      state.currency = priced.currency;
      upsertSearchAttributes([{ key: OrderTotalKey, value: priced.totalCents }]);
      await record({ type: 'OrderPriced', data: { lines: priced.lines, totalCents: priced.totalCents, currency: priced.currency } });

      saga.owe('release', async () => {
        const { released } = await undo.inventory.releaseStock({ orderId });
        if (released) await record({ type: 'StockReleased', data: {} });
      });
      await saga.step('reserve', () => inventory.reserveStock({ orderId, lines: input.items }));
      await record({ type: 'StockReserved', data: {} });

      saga.owe('refund', async () => {
        const refund = await undo.payments.refundPayment({ orderId });
        if (refund.refunded && refund.refundId)
          await record({ type: 'PaymentRefunded', data: { refundId: refund.refundId, amountCents: refund.amountCents } });
      });
      const charge = await saga.step('charge', () =>
        payments.chargePayment({ orderId, amountCents: priced.totalCents, currency: priced.currency, paymentToken: input.paymentToken }),
      );
      await record({ type: 'PaymentCaptured', data: { chargeId: charge.chargeId, amountCents: charge.amountCents } });

      if (priced.totalCents > settings.approvalThresholdCents) {
        await decide({ type: 'ApprovalRequested', data: { thresholdCents: settings.approvalThresholdCents } });
        setStatus('AWAITING_APPROVAL');
        const approved = await saga.step('approval', () => condition(() => approvedBy !== undefined, settings.approvalTimeout));
        if (!approved) throw new SagaCancelled('APPROVAL_TIMEOUT');
        await record({ type: 'OrderApproved', data: { approvedBy: approvedBy ?? 'unknown' } });
      } else {
        saga.skip('approval');
      }

      await saga.step('confirm', () => decide({ type: 'OrderConfirmed', data: {} }));
      await saga.step('commit', () => inventoryCommit.commitStock({ orderId }));
      await record({ type: 'StockCommitted', data: {} });
      // Shown once the stock is committed, so a CONFIRMED order never still holds a reservation.
      setStatus('CONFIRMED');

      // The confirmation, the onboarding signal and the shipment start together.
      await Promise.all([
        saga.step('notify', () =>
          notifyUser(
            `${orderId}:order_confirmed`,
            customerId,
            'order_confirmed',
            { orderId, totalCents: priced.totalCents, currency: priced.currency },
            contact,
          ),
        ),
        patched(SIGNAL_ONBOARDING_PATCH)
          ? // The onboarding workflow may have finished already; then there is nobody to tell.
            getExternalWorkflowHandle(onboardingWorkflow.id(customerId))
              .signal(firstOrderPlacedSignal, { orderId })
              .catch(() => undefined)
          : undefined,
        saga.step('ship', async () => {
          // The child runs in the shipping service and outlives this saga (ABANDON): it asks for a review days after delivery.
          await startChild<typeof fulfilment>(fulfilmentWorkflow.type, {
            taskQueue: fulfilmentWorkflow.taskQueue,
            workflowId: fulfilmentWorkflow.id(orderId),
            parentClosePolicy: ParentClosePolicy.ABANDON,
            args: [{ orderId, customerId, address: input.shippingAddress, lines: input.items, settings: settings.fulfilment }],
          });
          await condition(() => pickedUp);
        }),
      ]);
    });

    // Picked up: from here the customer can no longer cancel.
    const shipment = state.shipment ?? { shipmentId: 'unknown', trackingNumber: 'unknown' };
    await record({ type: 'OrderShipped', data: shipment });
    setStatus('SHIPPED');
    await condition(() => delivered);
    await record({ type: 'OrderDelivered', data: {} });
    setStatus('DELIVERED');
    result = { orderId, status: 'DELIVERED' };
  } catch (error) {
    const reason = cancellationReason(error, cancelRequestedBy !== undefined);
    unwinding = reason ? 'cancel' : 'failure';
    if (!reason) log.error('order saga failed unexpectedly; compensating', { orderId, error: describeFailure(error) });
    result = await CancellationScope.nonCancellable(() => unwind(reason, error));
  }
  // Updates still waiting (e.g. `settled`) answer before the run closes.
  await condition(allHandlersFinished);
  return result;

  /** Runs the owed compensations and settles the order CANCELLED, or FAILED when an undo never succeeded. */
  async function unwind(reason: CancellationReason | undefined, error: unknown): Promise<OrderSagaResult> {
    const failed = await saga.compensate();
    if (failed.length > 0 || !reason) {
      const why = failed.length > 0 ? `compensation failed: ${failed.join('; ')}` : describeFailure(error);
      // Recorded before the status changes, so whoever sees FAILED also finds the event.
      await record({ type: 'OrderFailed', data: { reason: why.slice(0, 2000) } }).catch((recordError: unknown) =>
        log.error('could not record OrderFailed', { orderId, error: describeFailure(recordError) }),
      );
      state.failure = { reason: why };
      setStatus('FAILED');
      await alertOperators(`${orderId}:failed`, { orderId, reason: why.slice(0, 2000) });
      return { orderId, status: 'FAILED', failure: state.failure };
    }
    await record({ type: 'OrderCancelled', data: { reason } });
    state.cancellation = { reason };
    setStatus('CANCELLED');
    await notifyUser(`${orderId}:order_cancelled`, customerId, 'order_cancelled', { orderId, reason });
    return { orderId, status: 'CANCELLED', cancellation: { reason } };
  }
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
