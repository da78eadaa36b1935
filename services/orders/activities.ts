// The orders service's activity: the saga (running in this service) records each step as an event.
import { implementActivities } from '../../activities/implement.js';
import type { OrdersStore } from './store.js';
import { ordersCatalogue } from './temporal/catalogue.js';

export function createOrdersActivities(store: OrdersStore) {
  return implementActivities(ordersCatalogue, {
    recordOrderEvent: ({ orderId, event, earlier }) => store.append(orderId, event, earlier),
  });
}
