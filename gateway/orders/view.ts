// One order as the public API shows it: the orders read model (what has been
// recorded) combined with the saga's live query (what is happening now).
import { WorkflowNotFoundError } from '@temporalio/client';
import { isOperator, type Caller } from '../../shared/auth/caller.js';
import { HttpProblem } from '../../shared/problem.js';
import { orderSagaWorkflow, sagaStateQuery, type SagaState } from '../../services/orders/temporal/contract.js';
import { CustomerIdKey } from '../../services/orders/temporal/search-attributes.js';
import type { GatewayDeps } from '../context.js';
import type { RecordedLine } from '../../shared/domain/order.js';
import type { OrderView, OrderViewLine } from '../schemas.js';
import type { EveryField } from './every-field.js';

type Sources = Pick<GatewayDeps, 'services' | 'temporal' | 'logger'>;

export async function liveSaga({ temporal, logger }: Sources, orderId: string): Promise<SagaState | undefined> {
  try {
    return await temporal.workflow.getHandle(orderSagaWorkflow.id(orderId)).query(sagaStateQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    logger.warn({ err: error, orderId }, 'saga query failed; showing the read model only');
    return undefined;
  }
}

async function readModel({ services }: Sources, caller: Caller, orderId: string, requestId: string) {
  const res = await services.orders.as({ caller, requestId, accept: [404] }).orders[':orderId'].$get({ param: { orderId } });
  return res.status === 200 ? await res.json() : undefined;
}

/**
 * Whose order a just-started saga is, from its search attributes: before its first
 * workflow task neither the read model nor the saga's query knows, yet the order
 * exists (its 202 named it), so GET must find it.
 */
async function startedFor({ temporal }: Sources, orderId: string): Promise<string | undefined> {
  try {
    return (await temporal.workflow.getHandle(orderSagaWorkflow.id(orderId)).describe()).typedSearchAttributes.get(CustomerIdKey);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** The order if `caller` may see it (owner or admin); otherwise 404, so ids of other users' orders do not leak. */
/** The order as its owner (or an operator) may see it; `known` is a live state the caller already has (no query then). */
export async function loadOrder(sources: Sources, caller: Caller, orderId: string, requestId: string, known?: SagaState) {
  const recorded = readModel(sources, caller, orderId, requestId);
  // Not recorded yet: ask at once whom the saga was started for, beside the query, which waits
  // for a worker (the whole budget when none runs the saga yet) and would leave describe none.
  const [first, live, started] = await Promise.all([
    recorded,
    known ?? liveSaga(sources, orderId),
    recorded.then((r) => (r ? undefined : startedFor(sources, orderId))),
  ]);
  // The saga writes an order's records before it shows the status they lead to, but the record
  // read beside the query may predate both: read it again, after the query, when the two disagree,
  // so a CONFIRMED order never shows the lines as they were before pricing.
  const stored = first && live && first.status !== live.status ? ((await readModel(sources, caller, orderId, requestId)) ?? first) : first;
  const customerId = stored?.customerId ?? live?.customerId ?? started;
  if (!customerId || (customerId !== caller.userId && !isOperator(caller))) throw new HttpProblem('not-found', { detail: 'no such order' });
  return { stored, live, customerId };
}

/**
 * The public view of a loaded order: the saga's live state where it has one, else the record.
 * Lines are passed on whole (a field added to a line arrives); every field of the view is named
 * here, so one added to the view does not compile until it is set.
 */
export function orderView(orderId: string, { stored, live, customerId }: Awaited<ReturnType<typeof loadOrder>>): OrderView {
  const step = ({ name, status, error }: { name: string; status: string; error?: string }) => ({
    name,
    status,
    ...(error ? { error } : {}),
  });
  const view: EveryField<OrderView> = {
    orderId,
    customerId,
    status: live?.status ?? stored?.status ?? 'PENDING',
    items: (stored?.items ?? []).map(shownLine),
    totalCents: live?.totalCents ?? stored?.totalCents ?? null,
    currency: live?.currency ?? stored?.currency ?? null,
    // Absent (undefined, left out of the JSON) until the order has one.
    cancellation: live?.cancellation ?? stored?.cancellation,
    failure: live?.failure ?? stored?.failure,
    shipment: live?.shipment ?? stored?.shipment,
    saga: { steps: (live?.steps ?? []).map(step), compensations: (live?.compensations ?? []).map(step) },
    createdAt: stored?.createdAt ?? null,
  };
  return view;
}

/** A recorded line as shown: all of it but the product name, which the view does not publish. */
function shownLine({ name: _name, ...line }: RecordedLine): OrderViewLine {
  return line;
}
