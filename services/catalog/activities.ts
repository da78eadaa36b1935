// The catalog service's activities: the order's price snapshot.
import { catalogCatalogue } from '../../activities/catalog.js';
import { implementActivities } from '../../activities/implement.js';
import type { CatalogStore } from './store.js';

export function createCatalogActivities(store: CatalogStore) {
  return implementActivities(catalogCatalogue, {
    priceOrder: ({ orderId, items }) => store.priceOrder(orderId, items),
  });
}
