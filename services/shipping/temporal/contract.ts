// The shipping service's Temporal surface: its task queue, the fulfilment
// workflow's type and id, its input and settings, the carrier's events it hears
// and the state it answers. Workflow-safe (no Node, no I/O, no zod): the order
// saga starts fulfilment as its child, the gateway's carrier webhook signals it.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ShippingAddress } from '../../../shared/domain/order.js';
import type { StockLine } from '../../../shared/domain/stock.js';
import { defineWorkflow, type CarrierEventType, type Duration, type TaskQueue } from '../../../shared/domain/vocabulary.js';

/** The shipping worker's queue: its activities and fulfilment. */
export const shippingTaskQueue = 'shipping' satisfies TaskQueue;

/** One fulfilment per order (`fulfilment-<orderId>`), a child of its saga. */
export const fulfilmentWorkflow = defineWorkflow('fulfilment', shippingTaskQueue, 'fulfilment');

export interface FulfilmentSettings {
  /** Alert (and keep waiting) when the carrier has not picked up within this time. */
  pickupTimeout: Duration;
  /** Alert (and keep waiting) when the parcel is not delivered within this time after pickup. */
  deliveryTimeout: Duration;
  /** Ask for a review this long after delivery (default 7 days). */
  reviewRequestDelay: Duration;
}

export interface FulfilmentInput {
  orderId: string;
  customerId: string;
  address: ShippingAddress;
  lines: StockLine[];
  settings: FulfilmentSettings;
}

export interface CarrierEvent {
  type: CarrierEventType;
  at: string;
}
export const carrierEventSignal = defineSignal<[CarrierEvent]>('carrierEvent');

export interface FulfilmentState {
  orderId: string;
  shipmentId?: string;
  trackingNumber?: string;
  stage: 'CREATING' | 'AWAITING_PICKUP' | 'IN_TRANSIT' | 'DELIVERED' | 'CANCELLED';
  alerts: string[];
  /** How many carrier events the workflow holds: one per type at most, whatever a carrier sends. */
  carrierEvents?: number;
}
export const fulfilmentStateQuery = defineQuery<FulfilmentState>('fulfilmentState');
