// The orders service's Temporal surface, as callers and workflow code see it: its
// task queue, the order saga's type, id, start, input and settings, and the queries,
// updates and signals it answers. Workflow-safe (no Node, no I/O, no zod): the
// workflows' own code (workflows/order-saga.ts, workflows/checkout.ts) and the gateway import it.
import { defineQuery, defineSignal, defineUpdate, WorkflowIdReusePolicy } from '@temporalio/workflow';
import type { Contact, OrderRecord, OrderRequest } from '../../../shared/domain/order.js';
import { defineWorkflow, type Duration, type OrderStatus, type TaskQueue } from '../../../shared/domain/vocabulary.js';
import type { FulfilmentSettings } from '../../shipping/temporal/contract.js';
import { CustomerIdKey, OrderStatusKey } from './search-attributes.js';

/** The orders worker's queue: its activities and the order saga. */
export const ordersTaskQueue = 'orders' satisfies TaskQueue;

/** One saga per order (`order-<orderId>`): a resent placement starts nothing new. */
export const orderSagaWorkflow = defineWorkflow('orderSaga', ordersTaskQueue, 'order');

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

export interface OrderSagaInput extends OrderRequest {
  orderId: string;
  customerId: string;
  /**
   * The customer's address as the gateway knew it when the order was placed (its account cache:
   * USER_CACHE_SECONDS): spares the saga a users activity and a workflow task. Absent in sagas
   * placed before it was passed, and when the gateway had none; those look it up.
   */
  contact?: Contact;
  requestId?: string;
  settings: OrderSagaSettings;
}

/**
 * What an order saga's memo keeps of the request that placed it: the fingerprint of its
 * body (a reused Idempotency-Key with another body is refused, 422, even when the
 * gateway's Redis has forgotten the key) and the one placing call that started it (a
 * call that could not see its start acknowledged still knows, by looking, whether it did).
 */
export interface OrderSagaMemo {
  requestId: string;
  requestFingerprint: string;
  startedBy: string;
}

/**
 * How every order saga is started, by the gateway's client or by the checkout workflow:
 * on the orders queue, one per order id for good (REJECT_DUPLICATE: a resend finds the
 * first, even finished), PENDING and its customer searchable from the start.
 */
export function orderSagaStart(input: OrderSagaInput, memo: OrderSagaMemo) {
  return {
    taskQueue: orderSagaWorkflow.taskQueue,
    workflowId: orderSagaWorkflow.id(input.orderId),
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    args: [input] satisfies [OrderSagaInput],
    typedSearchAttributes: [
      { key: OrderStatusKey, value: 'PENDING' },
      { key: CustomerIdKey, value: input.customerId },
    ],
    memo: { ...memo },
  };
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

/** The fulfilment child tells its order saga how far the parcel got. */
export interface ShipmentProgress {
  stage: 'CREATED' | 'PICKED_UP' | 'DELIVERED';
  shipmentId: string;
  trackingNumber: string;
}
export const shipmentProgressSignal = defineSignal<[ShipmentProgress]>('shipmentProgress');
