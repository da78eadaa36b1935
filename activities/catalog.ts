// Catalog's activity, on task queue `catalog`: the order's price snapshot.
import { activitiesFrom, parseInput } from '../shared/activity-failure.js';
import { PriceOrderInput } from '../services/catalog/schemas.js';
import type { CatalogStore } from '../services/catalog/store.js';
import type { CatalogActivities } from './contracts.js';

export function createCatalogActivities(store: CatalogStore): CatalogActivities {
  return activitiesFrom<CatalogActivities>({
    priceOrder: async (input) => {
      const { orderId, items } = parseInput(PriceOrderInput, input);
      return store.priceOrder(orderId, items);
    },
  });
}
