// Waiting instead of polling (RFC 7240 `Prefer: wait=N`, docs/api.md): the gateway
// asks the saga itself, through its `settled` update, to answer once the order
// is no longer PENDING. Every waiter of one order (the placing request, its
// retries, any GET) uses the same update id, so they share one in-flight update
// in the workflow (Temporal caps those at 10 per execution) and a late waiter
// gets the stored outcome at once.
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { orderSagaWorkflow, settledUpdate, type SagaState } from '../../services/orders/temporal/contract.js';

/** The update id every `settled` waiter of an order shares. */
export const SETTLED_UPDATE_ID = 'settled';
/**
 * The one waiters for an accepted cancel share: `settled` also waits while the order is
 * CANCELLING, but an order that settled before (e.g. CONFIRMED) has answered SETTLED_UPDATE_ID for good.
 */
export const CANCEL_SETTLED_UPDATE_ID = 'settled-after-cancel';

/** At most this long (docs/api.md). */
export const MAX_WAIT_SECONDS = 30;

/**
 * The `wait` preference of a Prefer header in seconds (capped at 30), or
 * undefined: absent, zero or malformed preferences are ignored, as RFC 7240 asks.
 */
export function preferredWait(header: string | undefined): number | undefined {
  if (!header) return undefined;
  for (const preference of header.split(',')) {
    const [name, value] = preference
      .split(';')[0]!
      .split('=')
      .map((part) => part.trim().toLowerCase());
    if (name !== 'wait' || !value || !/^\d{1,6}$/.test(value)) continue;
    const seconds = Math.min(Number(value), MAX_WAIT_SECONDS);
    return seconds > 0 ? seconds : undefined;
  }
  return undefined;
}

/** Whatever `settledUpdate` throws when the deadline passed first. */
export const isStillWaiting = (error: unknown) => error instanceof WorkflowUpdateRPCTimeoutOrCancelledError;

/** Whether a wait saw the saga settle, and its state as the saga answered the wait with (no query needed then). */
export interface Settlement {
  settled: boolean;
  state?: SagaState;
}

/** Waits up to `seconds` for the order's saga to settle (a closed saga has, long ago; it answers no more). */
export async function waitUntilSettled(
  temporal: Client,
  orderId: string,
  seconds: number,
  updateId = SETTLED_UPDATE_ID,
): Promise<Settlement> {
  const handle = temporal.workflow.getHandle(orderSagaWorkflow.id(orderId));
  try {
    const state = await temporal.connection.withDeadline(Date.now() + seconds * 1000, () =>
      handle.executeUpdate(settledUpdate, { updateId }),
    );
    return { settled: true, state };
  } catch (error) {
    if (isStillWaiting(error)) return { settled: false };
    if (error instanceof WorkflowNotFoundError || error instanceof WorkflowUpdateFailedError) return { settled: true };
    throw error;
  }
}
