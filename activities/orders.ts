// Orders' activity, on task queue `orders`: the saga records each step as an event.
import { activitiesFrom, parseInput } from '../shared/activity-failure.js';
import type { OrderEvent } from '../shared/domain.js';
import { OrderEventInput } from '../services/orders/schemas.js';
import type { OrdersStore } from '../services/orders/store.js';
import type { OrdersActivities } from './contracts.js';

export function createOrdersActivities(store: OrdersStore): OrdersActivities {
  return activitiesFrom<OrdersActivities>({
    recordOrderEvent: async (input) => {
      const { orderId, event } = parseInput(OrderEventInput, input);
      return store.append(orderId, event as OrderEvent);
    },
  });
}
