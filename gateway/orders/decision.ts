// A customer's cancel and an admin's approval are workflow updates of the order
// saga, and the saga's answer is the HTTP answer (200 accepted, 409 refused).
// The request's identity travels with it: with an Idempotency-Key the update id
// is derived from the caller and the key, so a resent request (its first answer
// lost with a gateway, a connection, a timeout) is the same update to Temporal,
// which answers it with the first one's recorded outcome — from the workflow
// itself, also when the saga has completed since. No gateway state is needed.
import { createHash, randomUUID } from 'node:crypto';
import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { HttpProblem } from '../../shared/problem.js';
import { UPDATE_ALREADY_APPLIED, UPDATE_REJECTED, type UpdateAnswer } from '../../services/orders/temporal/contract.js';
import { OrderStatusKey } from '../../services/orders/temporal/search-attributes.js';

export type Decision = 'cancel' | 'approve';

/** The update id of a decision: the same for the same caller and key; a fresh one without a key. */
export function decisionUpdateId(decision: Decision, callerId: string, key: string | undefined): string {
  if (!key) return `${decision}:${randomUUID()}`;
  return `${decision}:${createHash('sha256').update(`${callerId}\n${key}`).digest('hex')}`;
}

const statusIn = (failure: ApplicationFailure): string | undefined => {
  const details = failure.details?.[0];
  return details && typeof details === 'object' && 'status' in details && typeof details.status === 'string' ? details.status : undefined;
};

/**
 * Runs the update under `updateId` and returns the saga's answer. A repeat the validator
 * recognises (the same cancel again) is answered like the accepted one; a refusal is 409 with
 * the order's status; a saga that has completed answers a resent update with its recorded
 * outcome, and anything else with 409 "already final".
 */
export async function decide<Args extends [unknown, ...unknown[]]>(
  handle: WorkflowHandle,
  update: UpdateDefinition<UpdateAnswer, Args>,
  args: Args,
  updateId: string,
): Promise<UpdateAnswer> {
  try {
    return await handle.executeUpdate(update, { args, updateId });
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      const status = statusIn(error.cause);
      // Already accepted before (the validator answered without a second update in the history).
      if (error.cause.type === UPDATE_ALREADY_APPLIED && status) return { status: status as UpdateAnswer['status'] };
      // The saga's validator refused it: 409 with the reason and the order's status now.
      if (error.cause.type === UPDATE_REJECTED)
        throw new HttpProblem('conflict', { detail: error.cause.message, cause: error, extensions: status ? { orderStatus: status } : {} });
    }
    // A finished saga takes no more updates. If this very update ran before it finished, its
    // outcome is kept with the run: the resend gets that first answer.
    if (error instanceof WorkflowNotFoundError || error instanceof WorkflowUpdateFailedError) {
      const first = await recordedOutcome<UpdateAnswer>(handle, updateId);
      if (first) return first;
      // Otherwise the order is already final; its final status is the saga's search attribute.
      const status = await handle.describe().then(
        (d) => d.typedSearchAttributes.get(OrderStatusKey),
        () => undefined,
      );
      throw new HttpProblem('conflict', {
        detail: 'the order is already final',
        cause: error,
        extensions: status ? { orderStatus: status } : {},
      });
    }
    throw error;
  }
}

/** The outcome of an update that ran before under this id, or undefined when none did. */
async function recordedOutcome<T>(handle: WorkflowHandle, updateId: string): Promise<T | undefined> {
  try {
    return await handle.getUpdateHandle<T>(updateId).result();
  } catch {
    return undefined;
  }
}
