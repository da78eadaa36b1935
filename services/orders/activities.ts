// The orders service's activities: the saga (running in this service) records its steps as events.
import { implementActivities } from '../../activities/implement.js';
import type { OrdersStore } from './store.js';
import { ordersCatalogue } from './temporal/catalogue.js';

export function createOrdersActivities(store: OrdersStore) {
  return implementActivities(ordersCatalogue, {
    recordOrderEvent: ({ orderId, event, earlier }) => store.append(orderId, event, earlier),
    recordOrderEvents: ({ orderId, events, earlier }) => store.appendAll(orderId, events, earlier),
  });
}
