// The workflows' public surface: names, inputs, queries, updates and signals.
// The gateway imports these definitions to talk to running workflows; the
// workflow files implement them. Keep this file free of Node and I/O imports.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CancellationReason, CarrierEventType, OrderStatus, PlaceOrderInput, ShippingAddress, OrderLine } from '../shared/domain.js';

/** Durations are Temporal duration strings ('24h', '7 days') or milliseconds. */
export type Duration = string | number;

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

export interface OrderSagaInput extends PlaceOrderInput {
  settings: OrderSagaSettings;
}

export interface FulfilmentInput {
  orderId: string;
  customerId: string;
  address: ShippingAddress;
  lines: OrderLine[];
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
  attempts?: number;
  error?: string;
}

export interface SagaCompensation {
  name: string;
  status: CompensationStatus;
  attempts?: number;
  error?: string;
}

/** What the `sagaState` query answers: the live state of one order saga. */
export interface SagaState {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  cancellation?: { reason: CancellationReason };
  failure?: { reason: string };
  totalCents?: number;
  currency?: string;
  steps: SagaStep[];
  compensations: SagaCompensation[];
  shipment?: { shipmentId: string; trackingNumber: string };
}

export interface OrderSagaResult {
  orderId: string;
  status: OrderStatus;
  cancellation?: { reason: CancellationReason };
  failure?: { reason: string };
}

/** The answer of the cancel and approve updates; `accepted: false` becomes HTTP 409. */
export interface UpdateAnswer {
  accepted: boolean;
  status: OrderStatus;
  reason?: string;
}

export const WorkflowTypes = { orderSaga: 'orderSaga', fulfilment: 'fulfilment', onboarding: 'onboarding' } as const;

export const sagaStateQuery = defineQuery<SagaState>('sagaState');
export const cancelOrderUpdate = defineUpdate<UpdateAnswer, [{ requestedBy: string }]>('cancelOrder');
export const approveOrderUpdate = defineUpdate<UpdateAnswer, [{ approvedBy: string }]>('approveOrder');

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
}
export const fulfilmentStateQuery = defineQuery<FulfilmentState>('fulfilmentState');

export const firstOrderPlacedSignal = defineSignal<[{ orderId: string }]>('firstOrderPlaced');
