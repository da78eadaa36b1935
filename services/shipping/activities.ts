// The shipping service's activities (fulfilment, running in this service, calls them locally).
import { implementActivities } from '../../activities/implement.js';
import type { ShippingStore } from './store.js';
import { shippingCatalogue } from './temporal/catalogue.js';

export function createShippingActivities(store: ShippingStore) {
  return implementActivities(shippingCatalogue, {
    createShipment: (input) => store.create(input),
    cancelShipment: (input) => store.cancel(input),
    recordCarrierEvent: ({ shipmentId, type, at }) => store.recordEvent(shipmentId, type, at),
  });
}
