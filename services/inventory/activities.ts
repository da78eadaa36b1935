// The inventory service's activities: reserve, release and commit stock per order.
import { implementActivities } from '../../activities/implement.js';
import type { InventoryStore } from './store.js';
import { inventoryCatalogue } from './temporal/catalogue.js';

export function createInventoryActivities(store: InventoryStore) {
  return implementActivities(inventoryCatalogue, {
    reserveStock: ({ orderId, lines }) => store.reserve(orderId, lines),
    releaseStock: ({ orderId }) => store.release(orderId),
    commitStock: ({ orderId }) => store.commit(orderId),
  });
}
