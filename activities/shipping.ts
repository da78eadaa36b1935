// Shipping's activities, on task queue `shipping`: the shipment and its carrier events.
import { activitiesFrom, parseInput } from '../shared/activity-failure.js';
import { CarrierEventInput, CreateShipmentInput } from '../services/shipping/schemas.js';
import type { ShippingStore } from '../services/shipping/store.js';
import type { ShippingActivities } from './contracts.js';

export function createShippingActivities(store: ShippingStore): ShippingActivities {
  return activitiesFrom<ShippingActivities>({
    createShipment: async (input) => store.create(parseInput(CreateShipmentInput, input)),
    recordCarrierEvent: async (input) => {
      const { shipmentId, type, at } = parseInput(CarrierEventInput, input);
      return store.recordEvent(shipmentId, type, at);
    },
  });
}
