// A customer's cancel at every point of the saga (issue: cancelling right after
// placing left orders PENDING forever). At each cut point one step is held in
// flight, the cancel arrives, the step is let go, and the order must end either
// CANCELLED with everything undone (stock released, money refunded) or — once
// the parcel has left — refused with 409 and completed. Never PENDING, never a
// failed run.
import { describe, expect, it } from 'vitest';
import type { Fakes } from './fakes.js';
import { createFakes } from './fakes.js';
import { Worker } from '@temporalio/worker';
import { cancelOrderUpdate, type OrderSagaResult, type SagaState } from '../../services/orders/temporal/contract.js';
import { gate, sagaInput, startSaga, useTimeSkippingServer, waitForState, withWorkers, workflowBundle } from './harness.js';

const env = useTimeSkippingServer();

interface CutPoint {
  name: string;
  /** Holds one step of the fakes in flight until `held` resolves. */
  hold?: (fakes: Fakes, held: () => Promise<void>) => void;
  /** The saga is in this state when the cancel is sent. */
  ready: (s: SagaState) => boolean;
  over?: Parameters<typeof sagaInput>[0];
  /** What the undo must have done. */
  refunded: boolean;
  released: boolean;
  /** The order was confirmed before the cancel came (a cancel after confirmation is allowed until pickup). */
  confirmed?: boolean;
}

/** Holds the write that carries `type` (the saga writes what its forward steps noted with its next record). */
const holdRecord = (type: string) => (f: Fakes, held: () => Promise<void>) => {
  const real = f.orders.recordOrderEvents;
  f.orders.recordOrderEvents = async (input) => {
    if (input.events.some((e) => e.type === type)) await held();
    return real(input);
  };
};
const holdPricing = (f: Fakes, held: () => Promise<void>) => {
  const real = f.catalog.priceOrder;
  f.catalog.priceOrder = async (input) => (await held(), real(input));
};
const holdReserve = (f: Fakes, held: () => Promise<void>) => {
  const real = f.inventory.reserveStock;
  f.inventory.reserveStock = async (input) => (await held(), real(input));
};
const holdCommit = (f: Fakes, held: () => Promise<void>) => {
  const real = f.inventory.commitStock;
  f.inventory.commitStock = async (input) => (await held(), real(input));
};
const holdCharge = (f: Fakes, held: () => Promise<void>) => {
  const real = f.payments.chargePayment;
  f.payments.chargePayment = async (input) => (await held(), real(input));
};
const step = (name: string, status?: string) => (s: SagaState) =>
  s.steps.some((st) => st.name === name && (!status || st.status === status));

const cutPoints: CutPoint[] = [
  {
    name: 'while OrderPlaced is being recorded (before any step)',
    hold: holdRecord('OrderPlaced'),
    ready: step('record', 'RUNNING'),
    refunded: false,
    released: false,
  },
  { name: 'while pricing', hold: holdPricing, ready: step('price', 'RUNNING'), refunded: false, released: false },
  { name: 'while reserving', hold: holdReserve, ready: step('reserve'), refunded: false, released: true },
  { name: 'while charging', hold: holdCharge, ready: step('charge'), refunded: true, released: true },
  // The approval request is written at once, with the priced, reserved and captured steps noted before it.
  {
    name: 'while ApprovalRequested is being recorded',
    over: { items: [{ sku: 'PRICEY-1', quantity: 1 }] },
    hold: holdRecord('ApprovalRequested'),
    ready: step('charge', 'COMPLETED'),
    refunded: true,
    released: true,
  },
  {
    name: 'while waiting for approval',
    over: { items: [{ sku: 'PRICEY-1', quantity: 1 }] },
    ready: (s) => s.status === 'AWAITING_APPROVAL',
    refunded: true,
    released: true,
  },
  { name: 'while committing the stock', hold: holdCommit, ready: step('commit'), refunded: true, released: true, confirmed: true },
  // The forward steps' records go with StockCommitted: a cancel then comes after the confirmation.
  {
    name: 'while StockCommitted is being recorded',
    hold: holdRecord('StockCommitted'),
    ready: step('commit', 'COMPLETED'),
    refunded: true,
    released: true,
    confirmed: true,
  },
  {
    name: 'after confirmation, before pickup',
    ready: (s) => s.status === 'CONFIRMED' && !!s.shipment,
    refunded: true,
    released: true,
    confirmed: true,
  },
];

describe('a customer cancel at every point of the saga', () => {
  for (const cut of cutPoints) {
    it(`${cut.name}: CANCELLED, and whatever was done is undone`, async () => {
      const held = gate();
      const { fakes, calls } = createFakes();
      cut.hold?.(fakes, () => held.wait);
      const open = held.open;
      await withWorkers(env(), fakes, async () => {
        const input = sagaInput(cut.over);
        // Short task timeouts, so a held local activity's progress (and the cancel) reaches the server quickly.
        const handle = await startSaga(env(), input, { workflowTaskTimeout: '2s' });
        await waitForState(handle, cut.ready, cut.name);
        const answer = await handle.executeUpdate(cancelOrderUpdate, { args: [{ requestedBy: input.customerId }] }).finally(open);
        expect(answer.status).toBe('CANCELLING'); // accepted while the saga was still going: it says what will happen
        const result: OrderSagaResult = await handle.result();
        expect(result).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'CUSTOMER_CANCELLED' } });
        expect(calls.events[0]).toBe('OrderPlaced');
        expect(calls.events.at(-1)).toBe('OrderCancelled');
        expect(calls.charged - calls.refunded).toBe(0);
        expect(calls.refunded).toBe(cut.refunded ? 1 : 0);
        expect(calls.names.includes('releaseStock')).toBe(cut.released);
        if (cut.refunded) expect(calls.events).toContain('PaymentRefunded');
        // Nothing is decided after the cancel was accepted: a step still running then may finish, the saga unwinds.
        if (!cut.confirmed) expect(calls.events).not.toContain('OrderConfirmed');
        if (!cut.over) expect(calls.events).not.toContain('ApprovalRequested');
        expect((await handle.describe()).status.name).toBe('COMPLETED');
        // Every cut point's history replays: a cancel landing anywhere leaves nothing a
        // worker restarted later could not follow. (A query of the finished run would
        // replay it too, but through the test server's legacy-query path, which under a
        // loaded machine once served a history the worker could not match; this replays
        // the stored history itself.)
        await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, await handle.fetchHistory(), handle.workflowId);
      });
    });
  }

  it('a cancel while the saga is compensating a declined payment: accepted, the order ends CANCELLED once', async () => {
    const releasing = gate();
    const { fakes, calls } = createFakes({
      inventory: {
        releaseStock: async () => {
          await releasing.wait;
          return { released: true };
        },
      },
    });
    await withWorkers(env(), fakes, async () => {
      const input = sagaInput({ paymentToken: 'tok_declined' });
      const handle = await startSaga(env(), input);
      await waitForState(handle, (s) => s.compensations.some((c) => c.name === 'release' && c.status === 'RUNNING'), 'compensating');
      await handle.executeUpdate(cancelOrderUpdate, { args: [{ requestedBy: input.customerId }] }).finally(releasing.open);
      expect(await handle.result()).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'PAYMENT_DECLINED' } });
      expect(calls.events.filter((e) => e === 'OrderCancelled')).toHaveLength(1);
      expect(calls.names.filter((n) => n === 'releaseStock')).toHaveLength(1);
    });
  });
});
