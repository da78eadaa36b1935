// The orders service's activity catalogue: what its worker runs on its task queue, each
// activity with its zod input and output and the business failures it may report
// (activities/define-catalogue.ts). Implemented in ../activities.ts.
import { z } from 'zod';
import { OrderId } from '../../../shared/domain/ids.js';
import { OrderEvent } from '../../../shared/domain/order.js';
import { ORDER_EVENT_TYPES } from '../../../shared/domain/vocabulary.js';
import { defineCatalogue, type ActivitiesOf } from '../../../activities/define-catalogue.js';
import { ping } from '../../../activities/probe.js';
import { ordersTaskQueue } from './contract.js';

export const ordersCatalogue = defineCatalogue({
  taskQueue: ordersTaskQueue,
  activities: {
    /**
     * Appends the event to the order's log (one event of each type per order) and
     * updates the read model; a repeat answers the version it was stored with.
     * The order saga runs in the orders service and calls it as a local activity.
     * `earlier` is what the saga recorded before, in its order: any of them the log
     * lacks (lost with a database crash) is written again first, so the log is
     * complete again rather than the saga failing on the gap.
     */
    recordOrderEvent: {
      input: z
        .object({ orderId: OrderId, event: OrderEvent, earlier: z.array(OrderEvent).max(ORDER_EVENT_TYPES.length).optional() })
        .strict(),
      output: z.object({ version: z.number().int() }),
      failures: ['InvalidState', 'InvalidInput'],
    },
    /**
     * Appends `events`, in their order, as `recordOrderEvent` does each: the saga records the
     * steps it took since its last record together, in one write (one local activity) instead of
     * one per step. `recordOrderEvent` stays for sagas started before the saga did so.
     */
    recordOrderEvents: {
      input: z
        .object({
          orderId: OrderId,
          events: z.array(OrderEvent).min(1).max(ORDER_EVENT_TYPES.length),
          earlier: z.array(OrderEvent).max(ORDER_EVENT_TYPES.length).optional(),
        })
        .strict(),
      output: z.object({ version: z.number().int() }),
      failures: ['InvalidState', 'InvalidInput'],
    },
    ping,
  },
});
export type OrdersActivities = ActivitiesOf<typeof ordersCatalogue>;
