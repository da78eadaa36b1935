// Inventory's activities, on task queue `inventory`: the same store the HTTP routes use.
import { activitiesFrom, parseInput } from '../shared/activity-failure.js';
import { OrderLines } from '../services/inventory/schemas.js';
import type { InventoryStore } from '../services/inventory/store.js';
import type { InventoryActivities } from './contracts.js';

export function createInventoryActivities(store: InventoryStore): InventoryActivities {
  return activitiesFrom<InventoryActivities>({
    reserveStock: async ({ orderId, lines }) => store.reserve(orderId, parseInput(OrderLines, lines)),
    releaseStock: async ({ orderId }) => store.release(orderId),
    commitStock: async ({ orderId }) => store.commit(orderId),
  });
}
