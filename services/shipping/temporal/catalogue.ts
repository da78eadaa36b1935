// The shipping service's activity catalogue: what its worker runs on its task queue, each
// activity with its zod input and output and the business failures it may report
// (activities/define-catalogue.ts). Implemented in ../activities.ts.
import { z } from 'zod';
import { OrderId, ShipmentId, UserId } from '../../../shared/domain/ids.js';
import { ShippingAddress } from '../../../shared/domain/order.js';
import { StockLines } from '../../../shared/domain/stock.js';
import { CARRIER_EVENT_TYPES } from '../../../shared/domain/vocabulary.js';
import { defineCatalogue, type ActivitiesOf } from '../../../activities/define-catalogue.js';
import { ping } from '../../../activities/probe.js';
import { shippingTaskQueue } from './contract.js';

const ShipmentInput = z.object({ orderId: OrderId, customerId: UserId, address: ShippingAddress, lines: StockLines }).strict();

export const shippingCatalogue = defineCatalogue({
  taskQueue: shippingTaskQueue,
  activities: {
    /** One shipment per order id; a repeat returns the existing one. The fulfilment workflow calls it as a local activity. */
    createShipment: {
      input: ShipmentInput,
      output: z.object({ shipmentId: ShipmentId, trackingNumber: z.string() }),
      failures: [],
    },
    /**
     * The order was cancelled before pickup: its shipment is cancelled (created cancelled if
     * it does not exist yet); idempotent. Fulfilment calls it when the order saga cancels it.
     */
    cancelShipment: {
      input: ShipmentInput,
      output: z.object({ cancelled: z.boolean() }),
      failures: [],
    },
    /** Records a carrier event once per (shipment, type). */
    recordCarrierEvent: {
      input: z.object({ shipmentId: ShipmentId, type: z.enum(CARRIER_EVENT_TYPES), at: z.iso.datetime({ offset: true }) }).strict(),
      output: z.object({ recorded: z.boolean() }),
      failures: ['NotFound'],
    },
    ping,
  },
});
export type ShippingActivities = ActivitiesOf<typeof shippingCatalogue>;
