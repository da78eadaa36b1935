// Evidence that the slow payments took the timeout-and-retry path: Temporal
// records only the attempt that ended an activity, so the charge's
// ActivityTaskStarted attempt in each slow order's history says how many
// 30 s attempts it took (more than one: earlier ones timed out).
import { connectTemporalClient } from '../../shared/temporal/connection.js';
import type { StackAddress } from '../audit/snapshot.js';
import { orderSagaWorkflow } from '../../services/orders/temporal/contract.js';

export async function chargeAttempts(address: StackAddress, orderIds: string[]): Promise<number[]> {
  const client = await connectTemporalClient({ settings: address.temporal });
  try {
    const attempts: number[] = [];
    for (const orderId of orderIds) {
      const events = (await client.workflow.getHandle(orderSagaWorkflow.id(orderId)).fetchHistory()).events ?? [];
      const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'chargePayment');
      const started = events.find(
        (e) =>
          e.activityTaskStartedEventAttributes &&
          String(e.activityTaskStartedEventAttributes.scheduledEventId) === String(scheduled?.eventId),
      );
      if (started) attempts.push(started.activityTaskStartedEventAttributes!.attempt ?? 1);
    }
    return attempts;
  } finally {
    await client.connection.close();
  }
}
