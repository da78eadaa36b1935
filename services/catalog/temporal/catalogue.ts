// The catalog service's activity catalogue: what its worker runs on its task queue, each
// activity with its zod input and output and the business failures it may report
// (activities/define-catalogue.ts). Implemented in ../activities.ts.
import { z } from 'zod';
import { OrderId } from '../../../shared/domain/ids.js';
import { OrderLines, PriceSnapshot } from '../../../shared/domain/order.js';
import { defineCatalogue, type ActivitiesOf } from '../../../activities/define-catalogue.js';
import { ping } from '../../../activities/probe.js';
import { catalogTaskQueue } from './contract.js';

export const catalogCatalogue = defineCatalogue({
  taskQueue: catalogTaskQueue,
  activities: {
    /**
     * Prices the lines at today's prices and keeps that snapshot for the order: a second call returns the first snapshot.
     * An order the shop cannot charge as one amount (several currencies, a total of 0 or above the money limit) is
     * a business failure the saga cancels with its reason, never an operator's problem.
     */
    priceOrder: {
      input: z.object({ orderId: OrderId, items: OrderLines }).strict(),
      output: PriceSnapshot,
      failures: ['UnknownProduct', 'MixedCurrencies', 'AmountOutOfRange', 'InvalidInput'],
    },
    ping,
  },
});
export type CatalogActivities = ActivitiesOf<typeof catalogCatalogue>;
