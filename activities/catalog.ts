import { z } from 'zod';
import { OrderId } from '../shared/domain/ids.js';
import { OrderLines, PriceSnapshot } from '../shared/domain/order.js';
import { defineCatalogue, type ActivitiesOf } from './catalogue.js';
import { ping } from './probe.js';

export const catalogCatalogue = defineCatalogue({
  taskQueue: 'catalog',
  activities: {
    /** Prices the lines at today's prices and keeps that snapshot for the order: a second call returns the first snapshot. */
    priceOrder: {
      input: z.object({ orderId: OrderId, items: OrderLines }).strict(),
      output: PriceSnapshot,
      failures: ['UnknownProduct', 'InvalidInput'],
    },
    ping,
  },
});
export type CatalogActivities = ActivitiesOf<typeof catalogCatalogue>;
