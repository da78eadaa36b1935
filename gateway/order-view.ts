// One order as the public API shows it: the orders read model (what has been
// recorded) combined with the saga's live query (what is happening now).
import { WorkflowNotFoundError } from '@temporalio/client';
import { workflowIds, type OrderStatus } from '../shared/domain/vocabulary.js';
import { problem } from '../shared/problem.js';
import type { Caller } from '../shared/service-auth.js';
import { sagaStateQuery, type SagaState } from '../workflows/definitions.js';
import { CustomerIdKey } from '../workflows/search-attributes.js';
import type { GatewayDeps } from './context.js';

export interface ReadModel {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  items: Array<{ sku: string; quantity: number; unitPriceCents?: number }>;
  totalCents?: number;
  currency?: string;
  cancellation?: { reason: string };
  failure?: { reason: string };
  shipment?: { shipmentId: string; trackingNumber: string };
  createdAt: string;
}

export async function liveSaga(deps: GatewayDeps, orderId: string): Promise<SagaState | undefined> {
  try {
    return await deps.temporal.workflow.getHandle(workflowIds.order(orderId)).query(sagaStateQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    deps.logger.warn({ err: error, orderId }, 'saga query failed; showing the read model only');
    return undefined;
  }
}

/**
 * Whom the saga was started for: its CustomerId search attribute, set by the start itself, so it
 * is known before any worker has run the saga (the orders service down or restarting), when
 * neither the read model nor the live query can answer.
 */
async function startedFor(deps: GatewayDeps, orderId: string): Promise<string | undefined> {
  try {
    return (await deps.temporal.workflow.getHandle(workflowIds.order(orderId)).describe()).typedSearchAttributes.get(CustomerIdKey);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** The order if `caller` may see it (owner or admin); otherwise 404, so ids of other users' orders do not leak. */
export async function loadOrder(deps: GatewayDeps, caller: Caller, orderId: string, requestId: string) {
  const recorded = deps.services.orders.call<ReadModel>('GET', `/orders/${encodeURIComponent(orderId)}`, { caller, requestId, accept: [404] });
  // Not recorded yet: ask Temporal whom the saga was started for at once, as a live query
  // waits for a worker (up to the whole budget when none is running the saga yet).
  const [model, live, started] = await Promise.all([
    recorded,
    liveSaga(deps, orderId),
    recorded.then((m) => (m.status === 200 ? undefined : startedFor(deps, orderId))),
  ]);
  const stored = model.status === 200 ? model.body : undefined;
  const owner = stored?.customerId ?? live?.customerId ?? started;
  if (!owner || (owner !== caller.userId && !caller.roles.includes('admin'))) throw problem.notFound('no such order');
  return { stored, live, customerId: owner };
}

export function orderView(orderId: string, { stored, live, customerId }: Awaited<ReturnType<typeof loadOrder>>) {
  const cancellation = live?.cancellation ?? stored?.cancellation;
  const failure = live?.failure ?? stored?.failure;
  const shipment = live?.shipment ?? stored?.shipment;
  return {
    orderId,
    customerId,
    status: live?.status ?? stored?.status ?? 'PENDING',
    items: (stored?.items ?? []).map(({ sku, quantity, unitPriceCents }) => ({ sku, quantity, ...(unitPriceCents === undefined ? {} : { unitPriceCents }) })),
    totalCents: live?.totalCents ?? stored?.totalCents ?? null,
    currency: live?.currency ?? stored?.currency ?? null,
    ...(cancellation ? { cancellation: cancellation as { reason: never } } : {}),
    ...(failure ? { failure } : {}),
    ...(shipment ? { shipment } : {}),
    saga: {
      steps: (live?.steps ?? []).map(({ name, status, error }) => ({ name, status, ...(error ? { error } : {}) })),
      compensations: (live?.compensations ?? []).map(({ name, status, error }) => ({ name, status, ...(error ? { error } : {}) })),
    },
    createdAt: stored?.createdAt ?? null,
  };
}
