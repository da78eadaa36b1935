// The catalog service's activities: the order's price snapshot.
import { implementActivities } from '../../activities/implement.js';
import type { CatalogStore } from './store.js';
import { catalogCatalogue } from './temporal/catalogue.js';

export function createCatalogActivities(store: CatalogStore) {
  return implementActivities(catalogCatalogue, {
    priceOrder: ({ orderId, items }) => store.priceOrder(orderId, items),
  });
}
