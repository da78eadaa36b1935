// The order saga: record, price, reserve, charge, (approve), confirm, commit,
// notify, ship. Each undoable step owes its compensation before it runs; on a
// business failure, a timeout of the approval or a customer's cancel the owed
// compensations run in reverse inside a non-cancellable scope. If one can never
// succeed the order ends FAILED, visible in the query and the Web UI.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ParentClosePolicy,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  patched,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { REASON_FOR_FAILURE, workflowIds, type CancellationReason, type OrderEvent, type OrderStatus } from '../shared/domain.js';
import { compensations, inventory, inventoryCommit, orders, catalog, payments } from './activity-proxies.js';
import {
  approveOrderUpdate,
  cancelOrderUpdate,
  firstOrderPlacedSignal,
  sagaStateQuery,
  shipmentProgressSignal,
  type OrderSagaInput,
  type OrderSagaResult,
  type SagaState,
  type UpdateAnswer,
} from './definitions.js';
import { fulfilment } from './fulfilment.js';
import { alertOperators, notifyUser } from './notify.js';
import { SagaLog, describeFailure } from './saga-log.js';
import { CustomerIdKey, OrderStatusKey, OrderTotalKey } from './search-attributes.js';

/** Ends the forward path with a cancellation reason that is not an activity's failure. */
class SagaCancelled extends Error {
  constructor(readonly reason: CancellationReason) {
    super(reason);
  }
}

const TERMINAL: readonly OrderStatus[] = ['CANCELLED', 'FAILED', 'DELIVERED'];

/** Added after the first release: tell the onboarding workflow that the customer ordered. */
export const SIGNAL_ONBOARDING_PATCH = 'signal-onboarding-on-first-order';

export async function orderSaga(input: OrderSagaInput): Promise<OrderSagaResult> {
  const { orderId, customerId, settings } = input;
  const saga = new SagaLog();
  const state: SagaState = { orderId, customerId, status: 'PENDING', steps: saga.steps, compensations: saga.compensations };
  const undo = compensations(settings.compensationMaxAttempts);
  // Everything the customer may still cancel runs in this scope.
  const cancellable = new CancellationScope();
  let cancelRequestedBy: string | undefined;
  let approvedBy: string | undefined;
  let pickedUp = false;
  let delivered = false;

  const setStatus = (status: OrderStatus) => {
    state.status = status;
    upsertSearchAttributes([{ key: OrderStatusKey, value: status }]);
  };
  const record = (event: OrderEvent) => orders.recordOrderEvent({ orderId, event });

  setHandler(sagaStateQuery, () => state);
  setHandler(cancelOrderUpdate, ({ requestedBy }): UpdateAnswer => {
    if (TERMINAL.includes(state.status) || pickedUp) {
      return { accepted: false, status: state.status, reason: pickedUp ? 'the order has already been picked up by the carrier' : `the order is ${state.status}` };
    }
    if (!cancelRequestedBy) {
      cancelRequestedBy = requestedBy;
      cancellable.cancel();
    }
    return { accepted: true, status: state.status };
  });
  setHandler(approveOrderUpdate, ({ approvedBy: by }): UpdateAnswer => {
    if (state.status !== 'AWAITING_APPROVAL' || cancelRequestedBy) {
      return { accepted: false, status: state.status, reason: 'the order is not awaiting approval' };
    }
    approvedBy ??= by;
    return { accepted: true, status: state.status };
  });
  setHandler(shipmentProgressSignal, (progress) => {
    state.shipment = { shipmentId: progress.shipmentId, trackingNumber: progress.trackingNumber };
    if (progress.stage === 'PICKED_UP' || progress.stage === 'DELIVERED') pickedUp = true;
    if (progress.stage === 'DELIVERED') delivered = true;
  });

  upsertSearchAttributes([
    { key: OrderStatusKey, value: 'PENDING' },
    { key: CustomerIdKey, value: customerId },
  ]);

  try {
    await cancellable.run(async () => {
      await saga.step('record', () =>
        record({ type: 'OrderPlaced', data: { customerId, items: input.items, shippingAddress: input.shippingAddress, ...(input.requestId ? { requestId: input.requestId } : {}) } }),
      );

      const priced = await saga.step('price', () => catalog.priceOrder({ orderId, items: input.items }));
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
        if (refund.refunded && refund.refundId) await record({ type: 'PaymentRefunded', data: { refundId: refund.refundId, amountCents: refund.amountCents } });
      });
      const charge = await saga.step('charge', () =>
        payments.chargePayment({ orderId, amountCents: priced.totalCents, currency: priced.currency, paymentToken: input.paymentToken }),
      );
      await record({ type: 'PaymentCaptured', data: { chargeId: charge.chargeId, amountCents: charge.amountCents } });

      if (priced.totalCents > settings.approvalThresholdCents) {
        setStatus('AWAITING_APPROVAL');
        await record({ type: 'ApprovalRequested', data: { thresholdCents: settings.approvalThresholdCents } });
        const approved = await saga.step('approval', () => condition(() => approvedBy !== undefined, settings.approvalTimeout));
        if (!approved) throw new SagaCancelled('APPROVAL_TIMEOUT');
        await record({ type: 'OrderApproved', data: { approvedBy: approvedBy ?? 'unknown' } });
      } else {
        saga.skip('approval');
      }

      await saga.step('confirm', () => record({ type: 'OrderConfirmed', data: {} }));
      await saga.step('commit', () => inventoryCommit.commitStock({ orderId }));
      await record({ type: 'StockCommitted', data: {} });
      // Shown once the stock is committed, so a CONFIRMED order never still holds a reservation.
      setStatus('CONFIRMED');
      await saga.step('notify', () => notifyUser(`${orderId}:order_confirmed`, customerId, 'order_confirmed', { orderId, totalCents: priced.totalCents, currency: priced.currency }));

      if (patched(SIGNAL_ONBOARDING_PATCH)) {
        // The onboarding workflow may have finished already; then there is nobody to tell.
        await getExternalWorkflowHandle(workflowIds.onboarding(customerId)).signal(firstOrderPlacedSignal, { orderId }).catch(() => undefined);
      }

      await saga.step('ship', async () => {
        // The child outlives this saga (ABANDON): it asks for a review days after delivery.
        await startChild(fulfilment, {
          workflowId: workflowIds.fulfilment(orderId),
          parentClosePolicy: ParentClosePolicy.ABANDON,
          args: [{ orderId, customerId, address: input.shippingAddress, lines: input.items, settings: settings.fulfilment }],
        });
        await condition(() => pickedUp);
      });
    });

    // Picked up: from here the customer can no longer cancel.
    const shipment = state.shipment ?? { shipmentId: 'unknown', trackingNumber: 'unknown' };
    await record({ type: 'OrderShipped', data: shipment });
    setStatus('SHIPPED');
    await condition(() => delivered);
    await record({ type: 'OrderDelivered', data: {} });
    setStatus('DELIVERED');
    return { orderId, status: 'DELIVERED' };
  } catch (error) {
    const reason = cancellationReason(error, cancelRequestedBy !== undefined);
    if (!reason) log.error('order saga failed unexpectedly; compensating', { orderId, error: describeFailure(error) });
    return await CancellationScope.nonCancellable(async () => {
      const failed = await saga.compensate();
      if (failed.length > 0 || !reason) {
        const why = failed.length > 0 ? `compensation failed: ${failed.join('; ')}` : describeFailure(error);
        // Recorded before the status changes, so whoever sees FAILED also finds the event.
        await record({ type: 'OrderFailed', data: { reason: why } });
        state.failure = { reason: why };
        setStatus('FAILED');
        await alertOperators(`${orderId}:failed`, { orderId, reason: why });
        return { orderId, status: 'FAILED' as const, failure: state.failure };
      }
      await record({ type: 'OrderCancelled', data: { reason } });
      state.cancellation = { reason };
      setStatus('CANCELLED');
      await notifyUser(`${orderId}:order_cancelled`, customerId, 'order_cancelled', { orderId, reason });
      return { orderId, status: 'CANCELLED' as const, cancellation: { reason } };
    });
  }
}

/** Which cancellation reason an error of the forward path means; undefined for an unexpected failure. */
function cancellationReason(error: unknown, customerCancelled: boolean): CancellationReason | undefined {
  if (error instanceof SagaCancelled) return error.reason;
  if (customerCancelled && isCancellation(error)) return 'CUSTOMER_CANCELLED';
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure && cause.type) {
    const reason = REASON_FOR_FAILURE[cause.type as keyof typeof REASON_FOR_FAILURE];
    if (reason) return reason;
  }
  if (customerCancelled) return 'CUSTOMER_CANCELLED';
  return undefined;
}

