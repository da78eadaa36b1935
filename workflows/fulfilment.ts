// Fulfilment of one order, a child of the order saga run by the shipping service
// (its own steps are local activities there): create the shipment, wait
// for the carrier's events (signals from the gateway's carrier webhook), notify
// the customer at each stage, alert operators when the carrier is late instead of
// waiting silently forever, and ask for a review some days after delivery.
import {
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { CarrierEventType, Duration } from '../shared/domain/vocabulary.js';
import { shipping } from './activity-proxies.js';
import {
  carrierEventSignal,
  fulfilmentStateQuery,
  type CarrierEvent,
  type FulfilmentInput,
  type FulfilmentState,
} from '../services/shipping/temporal/contract.js';
import { shipmentProgressSignal, type ShipmentProgress } from '../services/orders/temporal/contract.js';
import { alertOperators, notifyUser } from './notify.js';

/** The patch that keeps one carrier event per type (see the signal handler). */
export const BOUNDED_CARRIER_EVENTS = 'bounded-carrier-events';
/** Added when a cancelled order's shipment was found still LABEL_CREATED: the cancel voids it. */
export const CANCEL_SHIPMENT_PATCH = 'cancel-shipment-on-cancel';

export async function fulfilment(input: FulfilmentInput): Promise<FulfilmentState> {
  const { orderId, customerId, settings } = input;
  const state: FulfilmentState = { orderId, stage: 'CREATING', alerts: [] };
  const received: CarrierEvent[] = [];
  // Runs started before this change kept every event and must replay as they ran.
  const bounded = patched(BOUNDED_CARRIER_EVENTS);
  setHandler(fulfilmentStateQuery, () => state);
  setHandler(carrierEventSignal, (event) => {
    // The first event of each type is the one that counts: repeats are dropped, so the
    // workflow holds at most one event per type whatever a carrier sends.
    if (bounded && received.some((e) => e.type === event.type)) return;
    received.push(event);
    state.carrierEvents = received.length;
  });

  // A delivery implies the pickup, even if the carrier never reported it.
  const has = (type: CarrierEventType) => received.some((e) => e.type === type || (type === 'PICKED_UP' && e.type === 'DELIVERED'));
  const at = (type: CarrierEventType) => received.find((e) => e.type === type)?.at ?? received[received.length - 1]?.at ?? '';

  const tellParent = async (stage: ShipmentProgress['stage']) => {
    const parent = workflowInfo().parent;
    if (!parent || !state.shipmentId || !state.trackingNumber) return;
    // The saga may have finished (e.g. cancelled); the shipment goes on regardless.
    await getExternalWorkflowHandle(parent.workflowId)
      .signal(shipmentProgressSignal, { stage, shipmentId: state.shipmentId, trackingNumber: state.trackingNumber })
      .catch(() => undefined);
  };

  /** Waits for a carrier event; each time the timeout passes without it, operators get an alert. */
  const waitFor = async (type: CarrierEventType, timeout: Duration, what: string) => {
    for (let late = 1; !(await condition(() => has(type), timeout)); late++) {
      const alert = `${what} is overdue (${late} × ${String(timeout)})`;
      state.alerts.push(alert);
      await alertOperators(`${orderId}:${type}:late:${late}`, { orderId, shipmentId: state.shipmentId ?? null, alert });
      if (late === 1)
        await notifyUser(`${orderId}:shipment_delayed`, customerId, 'shipment_delayed', {
          orderId,
          trackingNumber: state.trackingNumber ?? null,
        });
    }
  };

  try {
    const shipment = await shipping.createShipment({ orderId, customerId, address: input.address, lines: input.lines });
    state.shipmentId = shipment.shipmentId;
    state.trackingNumber = shipment.trackingNumber;
    state.stage = 'AWAITING_PICKUP';
    await tellParent('CREATED');

    await waitFor('PICKED_UP', settings.pickupTimeout, 'carrier pickup');
    state.stage = 'IN_TRANSIT';
    // First, so the saga stops accepting cancellations as soon as the parcel has left.
    await tellParent('PICKED_UP');
    await shipping.recordCarrierEvent({ shipmentId: shipment.shipmentId, type: 'PICKED_UP', at: at('PICKED_UP') });
    await notifyUser(`${orderId}:order_shipped`, customerId, 'order_shipped', { orderId, trackingNumber: shipment.trackingNumber });

    await waitFor('DELIVERED', settings.deliveryTimeout, 'delivery');
    state.stage = 'DELIVERED';
    await shipping.recordCarrierEvent({ shipmentId: shipment.shipmentId, type: 'DELIVERED', at: at('DELIVERED') });
    await notifyUser(`${orderId}:order_delivered`, customerId, 'order_delivered', { orderId, trackingNumber: shipment.trackingNumber });
    // Last, so the order reads DELIVERED only once the customer has been told.
    await tellParent('DELIVERED');
  } catch (error) {
    // The order saga cancels us when the customer cancels before pickup.
    if (isCancellation(error)) return cancelShipment(input, state);
    throw error;
  }

  await sleep(settings.reviewRequestDelay);
  await notifyUser(`${orderId}:review_request`, customerId, 'review_request', { orderId });
  return state;
}

/** Ends a shipment whose order was cancelled before the pickup. */
async function cancelShipment(input: FulfilmentInput, state: FulfilmentState): Promise<FulfilmentState> {
  const { orderId, customerId, address, lines } = input;
  // The label is voided (a shipment still being created is created cancelled): idempotent, and
  // the carrier's pickup of a cancelled order is refused by the saga before it gets here.
  if (patched(CANCEL_SHIPMENT_PATCH))
    await CancellationScope.nonCancellable(() => shipping.cancelShipment({ orderId, customerId, address, lines }));
  state.stage = 'CANCELLED';
  return state;
}
