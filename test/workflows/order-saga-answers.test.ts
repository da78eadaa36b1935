// What the saga answers to the decisions made about it (issues 17 and 18): an
// accepted cancel says what will happen (CANCELLING, until CANCELLED), a repeat
// of an accepted decision is answered without a second update in the history, an
// update resent under its id gets the first answer, the carrier's pickup is a
// fact the saga holds before anyone is told (no cancel after it, none of it after
// a cancel), and nobody approves their own order.
import { ApplicationFailure, WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import {
  UPDATE_REJECTED,
  approveOrderUpdate,
  cancelOrderUpdate,
  carrierPickupUpdate,
  settledUpdate,
  type SagaState,
} from '../../services/orders/temporal/contract.js';
import { OrderStatusKey } from '../../services/orders/temporal/search-attributes.js';
import { createFakes } from './fakes.js';
import {
  acceptedUpdates,
  deliver,
  expectAlreadyApplied,
  expectRefused,
  gate,
  sagaInput,
  startSaga,
  useTimeSkippingServer,
  waitForState,
  withWorkers,
} from './harness.js';
import type { fulfilment as fulfilmentWorkflow } from '../../workflows/fulfilment.js';

const env = useTimeSkippingServer();

/** Refused by the validator with this reason, whatever the status at that instant. */
async function expectRefusedFor(update: Promise<unknown>, reason: RegExp): Promise<void> {
  const error = await update.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause;
  expect(cause).toMatchObject({ type: UPDATE_REJECTED });
  expect((cause as ApplicationFailure).message).toMatch(reason);
}

describe('the answers of the order saga', () => {
  it('an accepted cancel answers CANCELLING and shows it while unwinding; repeats add nothing; the shipment is voided', async () => {
    const refunding = gate();
    const { fakes, calls } = createFakes();
    const refund = fakes.payments.refundPayment;
    fakes.payments.refundPayment = async (input) => (await refunding.wait, refund(input));
    await withWorkers(env(), fakes, async () => {
      const input = sagaInput();
      const handle = await startSaga(env(), input);
      await waitForState(handle, (s) => s.status === 'CONFIRMED' && !!s.shipment, 'CONFIRMED with a shipment');
      const cancel = { args: [{ requestedBy: input.customerId }] as [{ requestedBy: string }] };
      try {
        expect(await handle.executeUpdate(cancelOrderUpdate, { ...cancel, updateId: 'first-cancel' })).toEqual({ status: 'CANCELLING' });
        await waitForState(handle, (s) => s.compensations.some((c) => c.name === 'refund' && c.status === 'RUNNING'), 'refunding');
        // Never the status it is leaving: the query and the search attribute say CANCELLING too.
        expect((await handle.describe()).typedSearchAttributes.get(OrderStatusKey)).toBe('CANCELLING');
        // A second cancel (another request) is answered alike by the validator; the first one resent under its id gets its answer.
        await expectAlreadyApplied(handle.executeUpdate(cancelOrderUpdate, cancel), 'CANCELLING');
        expect(await handle.executeUpdate(cancelOrderUpdate, { ...cancel, updateId: 'first-cancel' })).toEqual({ status: 'CANCELLING' });
        expect(await acceptedUpdates(handle, 'cancelOrder')).toBe(1);
        // Whoever waits for the order to settle waits for the unwinding to end.
        const settled = handle.executeUpdate(settledUpdate, { updateId: 'settled-after-cancel' });
        refunding.open();
        expect((await settled).status).toBe('CANCELLED');
      } finally {
        refunding.open();
      }
      expect(await handle.result()).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'CUSTOMER_CANCELLED' } });
      expect(calls.refunded).toBe(1);
      // The fulfilment child voids the shipment's label when the cancel reaches it.
      expect((await env().client.workflow.getHandle<typeof fulfilmentWorkflow>(`fulfilment-${input.orderId}`).result()).stage).toBe(
        'CANCELLED',
      );
      expect(calls.names).toContain('cancelShipment');
    });
  });

  it('once the saga knows of the pickup no cancel is accepted; a pickup after an accepted cancel is refused', async () => {
    const { fakes, calls } = createFakes();
    await withWorkers(env(), fakes, async () => {
      const shipped = sagaInput();
      const cancelled = sagaInput();
      const [first, second] = await Promise.all([startSaga(env(), shipped), startSaga(env(), cancelled)]);
      for (const handle of [first, second])
        await waitForState(handle, (s) => s.status === 'CONFIRMED' && !!s.shipment, 'CONFIRMED with a shipment');
      const pickup = (s: SagaState) => ({ args: [s.shipment!] as [{ shipmentId: string; trackingNumber: string }] });

      // Pickup first: the cancel right after it is refused, nothing is refunded, and a repeat pickup adds nothing.
      const firstState = await waitForState(first, (s) => !!s.shipment);
      expect(await first.executeUpdate(carrierPickupUpdate, pickup(firstState))).toEqual({ status: 'CONFIRMED' });
      await expectRefusedFor(first.executeUpdate(cancelOrderUpdate, { args: [{ requestedBy: shipped.customerId }] }), /picked up/);
      await waitForState(first, (s) => s.status === 'SHIPPED', 'SHIPPED');
      await expectAlreadyApplied(first.executeUpdate(carrierPickupUpdate, pickup(firstState)), 'SHIPPED');
      expect(await acceptedUpdates(first, 'carrierPickup')).toBe(1);
      await deliver(env(), shipped.orderId);
      expect(await first.result()).toMatchObject({ status: 'DELIVERED' });

      // Cancel first: it stands, the carrier's pickup is refused.
      const secondState = await waitForState(second, (s) => !!s.shipment);
      expect(await second.executeUpdate(cancelOrderUpdate, { args: [{ requestedBy: cancelled.customerId }] })).toEqual({
        status: 'CANCELLING',
      });
      await expectRefusedFor(second.executeUpdate(carrierPickupUpdate, pickup(secondState)), /cancelled before the pickup/);
      expect(await second.result()).toMatchObject({ status: 'CANCELLED' });
      expect(calls.refunded).toBe(1);
      expect(calls.events.filter((e) => e === 'OrderShipped')).toHaveLength(1);
    });
  });

  it('nobody approves their own order; a second approval adds no second update', async () => {
    const { fakes, calls } = createFakes();
    await withWorkers(env(), fakes, async () => {
      const input = sagaInput({ items: [{ sku: 'PRICEY-1', quantity: 1 }] });
      const handle = await startSaga(env(), input);
      await waitForState(handle, (s) => s.status === 'AWAITING_APPROVAL', 'AWAITING_APPROVAL');
      await expectRefused(
        handle.executeUpdate(approveOrderUpdate, { args: [{ approvedBy: input.customerId }] }),
        'AWAITING_APPROVAL',
        /other than its customer/,
      );
      expect(await handle.executeUpdate(approveOrderUpdate, { args: [{ approvedBy: 'admin-1' }] })).toEqual({
        status: 'AWAITING_APPROVAL',
      });
      // Answered as a repeat while the order is still being confirmed, refused once it is CONFIRMED: never a second update.
      await handle.executeUpdate(approveOrderUpdate, { args: [{ approvedBy: 'admin-2' }] }).catch((e: unknown) => {
        expect((e as WorkflowUpdateFailedError).cause).toBeInstanceOf(ApplicationFailure);
      });
      await waitForState(handle, (s) => s.status === 'CONFIRMED', 'CONFIRMED');
      expect(await acceptedUpdates(handle, 'approveOrder')).toBe(1);
      expect(calls.events).toContain('OrderApproved');
    });
  });
});
