// The inventory service's activity catalogue: what its worker runs on its task queue, each
// activity with its zod input and output and the business failures it may report
// (activities/define-catalogue.ts). Implemented in ../activities.ts.
import { z } from 'zod';
import { OrderId } from '../../../shared/domain/ids.js';
import { StockLines } from '../../../shared/domain/stock.js';
import { defineCatalogue, type ActivitiesOf } from '../../../activities/define-catalogue.js';
import { ping } from '../../../activities/probe.js';
import { inventoryTaskQueue } from './contract.js';

const byOrder = z.object({ orderId: OrderId }).strict();

export const inventoryCatalogue = defineCatalogue({
  taskQueue: inventoryTaskQueue,
  activities: {
    /** All-or-nothing reservation keyed by order id; a repeat answers the first outcome. */
    reserveStock: {
      input: z.object({ orderId: OrderId, lines: StockLines }).strict(),
      output: z.object({ orderId: OrderId, status: z.enum(['RESERVED', 'COMMITTED', 'RELEASED']) }),
      failures: ['OutOfStock', 'UnknownProduct'],
    },
    /** Gives reserved (or committed) stock back; a no-op when nothing is held. */
    releaseStock: { input: byOrder, output: z.object({ released: z.boolean() }), failures: [] },
    /** Turns the reservation into a sale. Fails InvalidState if it was released. */
    commitStock: { input: byOrder, output: z.object({ committed: z.boolean() }), failures: ['InvalidState'] },
    ping,
  },
});
export type InventoryActivities = ActivitiesOf<typeof inventoryCatalogue>;
