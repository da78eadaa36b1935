// The workflows' public surface: names, the task queue each runs on, inputs,
// queries, updates and signals. The gateway imports these definitions to start
// and talk to workflows; the workflow files implement them. Workflow-safe: no
// Node, no I/O, no zod.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { OrderRecord, OrderRequest, ShippingAddress } from '../shared/domain/order.js';
import type { StockLine } from '../shared/domain/stock.js';
import { TaskQueues, type CarrierEventType, type OrderStatus } from '../shared/domain/vocabulary.js';

/** Durations are Temporal duration strings ('24h', '7 days') or milliseconds. */
export type Duration = string | number;

/** Each workflow runs in the service that owns it, on that service's task queue. */
export const Workflows = {
  orderSaga: { type: 'orderSaga', taskQueue: TaskQueues.orders },
  fulfilment: { type: 'fulfilment', taskQueue: TaskQueues.shipping },
  onboarding: { type: 'onboarding', taskQueue: TaskQueues.users },
} as const;

/** Settings fixed when the saga starts, so they are part of its history. */
export interface OrderSagaSettings {
  /** Orders whose total is above this wait for an admin's approval. */
  approvalThresholdCents: number;
  /** Without an approval within this time the order is cancelled with APPROVAL_TIMEOUT. */
  approvalTimeout: Duration;
  /** How often a compensation is tried before the order ends FAILED for an operator. */
  compensationMaxAttempts: number;
  fulfilment: FulfilmentSettings;
}

export interface FulfilmentSettings {
  /** Alert (and keep waiting) when the carrier has not picked up within this time. */
  pickupTimeout: Duration;
  /** Alert (and keep waiting) when the parcel is not delivered within this time after pickup. */
  deliveryTimeout: Duration;
  /** Ask for a review this long after delivery (default 7 days). */
  reviewRequestDelay: Duration;
}

export interface OnboardingSettings {
  /** Send a reminder when no order was placed within this time (default 3 days). */
  reminderDelay: Duration;
}

export interface OrderSagaInput extends OrderRequest {
  orderId: string;
  customerId: string;
  requestId?: string;
  settings: OrderSagaSettings;
}

export interface FulfilmentInput {
  orderId: string;
  customerId: string;
  address: ShippingAddress;
  lines: StockLine[];
  settings: FulfilmentSettings;
}

export interface OnboardingInput {
  userId: string;
  email: string;
  name: string;
  settings: OnboardingSettings;
}

export type StepStatus = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'SKIPPED';
export type CompensationStatus = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED';

export interface SagaStep {
  name: string;
  status: StepStatus;
  error?: string;
}

export interface SagaCompensation {
  name: string;
  status: CompensationStatus;
  error?: string;
}

/** What the `sagaState` query answers: the live state of one order saga, in the order record's terms. */
export interface SagaState extends Pick<
  OrderRecord,
  'orderId' | 'customerId' | 'status' | 'cancellation' | 'failure' | 'totalCents' | 'currency' | 'shipment'
> {
  steps: SagaStep[];
  compensations: SagaCompensation[];
}

export type OrderSagaResult = Pick<OrderRecord, 'orderId' | 'status' | 'cancellation' | 'failure'>;

/** The answer of an accepted cancel or approve update. */
export interface UpdateAnswer {
  status: OrderStatus;
}

/**
 * The type of the ApplicationFailure a refused cancel or approve update fails with
 * (its validator refused it, so nothing is written to the history). Its details
 * carry `{ status }`; the gateway answers 409 with the reason and that status.
 */
export const UPDATE_REJECTED = 'UpdateRejected';

/**
 * The type of the ApplicationFailure a validator answers a repeat with: what the
 * update asks for was already accepted (a second cancel while the saga unwinds the
 * first, a carrier's pickup reported again). Refusing it in the validator keeps the
 * repeat out of the history; its details carry `{ status }` and the gateway answers
 * it as the accepted update would have been (200 with that status).
 */
export const UPDATE_ALREADY_APPLIED = 'UpdateAlreadyApplied';

export const sagaStateQuery = defineQuery<SagaState>('sagaState');
export const cancelOrderUpdate = defineUpdate<UpdateAnswer, [{ requestedBy: string }]>('cancelOrder');
export const approveOrderUpdate = defineUpdate<UpdateAnswer, [{ approvedBy: string }]>('approveOrder');
/**
 * The carrier has the parcel (the gateway's carrier webhook, before it answers 202 and
 * before the fulfilment child hears of it): from here no cancel is accepted. Refused
 * when a cancel was accepted first (the order is being cancelled: the parcel must go back).
 */
export const carrierPickupUpdate = defineUpdate<UpdateAnswer, [{ shipmentId: string; trackingNumber: string }]>('carrierPickup');
/** Answers once the saga has settled (any status but PENDING): what `Prefer: wait` waits for. */
export const settledUpdate = defineUpdate<SagaState>('settled');

export interface CarrierEvent {
  type: CarrierEventType;
  at: string;
}
export const carrierEventSignal = defineSignal<[CarrierEvent]>('carrierEvent');

/** The fulfilment child tells its order saga how far the parcel got. */
export interface ShipmentProgress {
  stage: 'CREATED' | 'PICKED_UP' | 'DELIVERED';
  shipmentId: string;
  trackingNumber: string;
}
export const shipmentProgressSignal = defineSignal<[ShipmentProgress]>('shipmentProgress');
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

export const firstOrderPlacedSignal = defineSignal<[{ orderId: string }]>('firstOrderPlaced');
