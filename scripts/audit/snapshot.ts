// What the audit reads from a running stack, in one pass: every order (read model
// and the types of its events) from the orders database, every order saga's
// workflow status and search attributes from Temporal's visibility store, the
// payments ledger, what the payment provider holds (the simulator's database,
// when the stack runs the simulator), the inventory's stock and reservations,
// and the order notifications. Read-only; everything is held in memory, which
// suits a local shop or a test stack (millions of orders would want streaming).
import type { Db, Document, MongoClient } from 'mongodb';
import type { ReservationStatus, StockDoc } from '../../services/inventory/store.js';
import { SIMULATOR_DB } from '../../services/payments/simulator.js';
import { connectMongo, serviceDb } from '../../shared/mongo.js';
import type { WorkflowHandle } from '@temporalio/client';
import { connectTemporalClient, type TemporalSettings } from '../../shared/temporal/connection.js';
import { type OrderStatus } from '../../shared/domain/vocabulary.js';
import { OrderStatusKey } from '../../services/orders/temporal/search-attributes.js';
import { orderSagaWorkflow } from '../../services/orders/temporal/contract.js';

export interface StackAddress {
  mongoUrl: string;
  /** MONGO_DB_PREFIX of the stack: its databases are `<prefix>orders`, `<prefix>payments`, ... */
  prefix: string;
  /** How to reach its Temporal (shared/temporal/connection.ts: address, namespace, TLS, API key). */
  temporal: TemporalSettings;
}

export interface Line {
  sku: string;
  quantity: number;
}

export interface OrderRecord {
  orderId: string;
  status: OrderStatus;
  totalCents?: number;
  items: Line[];
  /** The types of its events, in order. */
  events: string[];
  cancellationReason?: string;
  /** Why a FAILED order failed, as its saga recorded it. */
  failureReason?: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface WorkflowRecord {
  orderId: string;
  /** The execution's status: RUNNING, COMPLETED, FAILED, TERMINATED, ... */
  execution: string;
  /** The saga's OrderStatus search attribute. */
  orderStatus?: string;
  startTime: Date;
  /**
   * Of a running saga: its activities scheduled and not done, and whether a workflow task
   * is pending. A saga unwinding a cancel says CANCELLING (its read model still shows the
   * last recorded status, so the two disagree: in flight); a saga started before that status
   * existed shows the status it is leaving (CONFIRMED until the refund and the release are
   * done), and only this tells it from one at rest.
   */
  pendingWork?: number;
  /**
   * Of a saga whose order has no record (a lost write, a saga that never wrote it): the last
   * failure in its history, which usually says why (e.g. `InvalidState: order … has no OrderPlaced event`).
   */
  lastFailure?: string;
}

export interface LedgerRecord {
  id: string;
  orderId: string;
  type: 'charge' | 'refund';
  amountCents: number;
}

/** What the payment provider holds for an order's charge key. */
export interface ProviderRecord {
  orderId: string;
  capturedCents: number;
  refundedCents: number;
}

export interface ReservationRecord {
  orderId: string;
  status: ReservationStatus;
  lines: Line[];
}

export interface NotificationRecord {
  id: string;
  status: string;
  sendAttempts?: number;
  /** Where the transport put it: `outbox:<id>` when the message is the stored document itself. */
  transportId?: string;
}

export interface Snapshot {
  takenAt: Date;
  orders: OrderRecord[];
  workflows: Map<string, WorkflowRecord>;
  ledger: LedgerRecord[];
  /** Undefined when the stack's provider is not the simulator (nothing to reconcile with here). */
  provider?: ProviderRecord[];
  stock: StockDoc[];
  reservations: ReservationRecord[];
  notifications: Map<string, NotificationRecord>;
}

/** The order ids of notifications keys the audit looks at: `<orderId>:order_confirmed` and `<orderId>:order_cancelled`. */
export const NOTIFICATION_KEYS = {
  confirmed: (orderId: string) => `${orderId}:order_confirmed`,
  cancelled: (orderId: string) => `${orderId}:order_cancelled`,
};

const CHARGE_KEY = /^(.+):charge$/;

async function databaseExists(client: MongoClient, name: string): Promise<boolean> {
  const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
  return databases.some((d) => d.name === name);
}

/** An order document as the audit reads it: the reasons it looks into, the rest taken as found. */
interface StoredOrder extends Document {
  cancellation?: { reason?: string };
  failure?: { reason?: string };
}

async function loadOrders(db: Db): Promise<OrderRecord[]> {
  const docs = await db
    .collection<StoredOrder>('orders')
    .find(
      {},
      { projection: { status: 1, totalCents: 1, items: 1, cancellation: 1, failure: 1, createdAt: 1, updatedAt: 1, 'events.type': 1 } },
    )
    .toArray();
  return docs.map((d) => ({
    orderId: String(d._id),
    status: d.status as OrderStatus,
    ...(typeof d.totalCents === 'number' ? { totalCents: d.totalCents } : {}),
    items: ((d.items ?? []) as Line[]).map(({ sku, quantity }) => ({ sku, quantity })),
    events: ((d.events ?? []) as Array<{ type: string }>).map((e) => e.type),
    ...(d.cancellation?.reason ? { cancellationReason: String(d.cancellation.reason) } : {}),
    ...(d.failure?.reason ? { failureReason: String(d.failure.reason) } : {}),
    createdAt: d.createdAt as Date,
    updatedAt: d.updatedAt as Date,
  }));
}

/** Every order saga the namespace knows, by order id (the latest run where there are several). */
async function loadWorkflows(address: StackAddress): Promise<Map<string, WorkflowRecord>> {
  const client = await connectTemporalClient({ settings: address.temporal });
  try {
    const workflows = new Map<string, WorkflowRecord>();
    for await (const info of client.workflow.list({ query: `WorkflowType = '${orderSagaWorkflow.type}'` })) {
      const orderId = info.workflowId.replace(/^order-/, '');
      const known = workflows.get(orderId);
      if (known && known.startTime > info.startTime) continue;
      const orderStatus = info.typedSearchAttributes.get(OrderStatusKey);
      workflows.set(orderId, { orderId, execution: info.status.name, ...(orderStatus ? { orderStatus } : {}), startTime: info.startTime });
    }
    // Running sagas only: one describe each, a few at a time.
    const running = [...workflows.values()].filter((w) => w.execution === 'RUNNING');
    for (let i = 0; i < running.length; i += 16) {
      await Promise.all(
        running.slice(i, i + 16).map(async (w) => {
          const { raw } = await client.workflow.getHandle(orderSagaWorkflow.id(w.orderId)).describe();
          w.pendingWork = (raw.pendingActivities?.length ?? 0) + (raw.pendingWorkflowTask ? 1 : 0);
        }),
      );
    }
    return workflows;
  } finally {
    await client.connection.close();
  }
}

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];
type FailureInfo =
  { message?: string | null; cause?: FailureInfo | null; applicationFailureInfo?: { type?: string | null } | null } | null | undefined;

/** A failure and its causes in one line, `Type: message: cause`, each message once. */
function describeFailure(failure: FailureInfo): string | undefined {
  const parts: string[] = [];
  for (let f = failure; f; f = f.cause) {
    const type = f.applicationFailureInfo?.type;
    const part = `${type ? `${type}: ` : ''}${f.message ?? ''}`;
    if (f.message && !parts.some((p) => p.includes(f.message!))) parts.push(part);
  }
  return parts.length ? parts.join(': ') : undefined;
}

/** The last activity or workflow failure in a history, in words. */
const lastFailureOf = (events: HistoryEvent[]): string | undefined =>
  events
    .map(
      (e) =>
        describeFailure(e.activityTaskFailedEventAttributes?.failure) ??
        // A local activity's failure (the orders service's event writes are local activities).
        describeFailure(e.markerRecordedEventAttributes?.failure) ??
        describeFailure(e.workflowExecutionFailedEventAttributes?.failure) ??
        (e.activityTaskTimedOutEventAttributes
          ? (describeFailure(e.activityTaskTimedOutEventAttributes.failure) ?? 'activity timed out')
          : undefined),
    )
    .filter((f): f is string => f !== undefined)
    .at(-1);

/** Reads why each saga without an order record failed (its history's last failure); few, so one at a time. */
async function explainOrphans(address: StackAddress, orphans: WorkflowRecord[]): Promise<void> {
  if (orphans.length === 0) return;
  const client = await connectTemporalClient({ settings: address.temporal });
  try {
    for (const w of orphans) {
      const failure = lastFailureOf((await client.workflow.getHandle(orderSagaWorkflow.id(w.orderId)).fetchHistory()).events ?? []);
      if (failure) w.lastFailure = failure;
    }
  } finally {
    await client.connection.close();
  }
}

export async function takeSnapshot(address: StackAddress): Promise<Snapshot> {
  const mongo = await connectMongo(address.mongoUrl);
  try {
    const db = (service: string) => serviceDb(mongo, service, address.prefix);
    const takenAt = new Date();
    const simulatorDb = `${address.prefix}${SIMULATOR_DB}`;
    const [orders, workflows, ledger, provider, stock, reservations, notifications] = await Promise.all([
      loadOrders(db('orders')),
      loadWorkflows(address),
      db('payments').collection('ledger').find().toArray(),
      databaseExists(mongo, simulatorDb).then(async (exists) =>
        exists ? db(SIMULATOR_DB).collection('charges').find().toArray() : undefined,
      ),
      db('inventory').collection<StockDoc>('stock').find().toArray(),
      db('inventory').collection('reservations').find().toArray(),
      db('notifications')
        .collection<{ _id: string; status: string; sendAttempts?: number; transportId?: string }>('notifications')
        .find({ _id: { $regex: ':order_(confirmed|cancelled)$' } }, { projection: { status: 1, sendAttempts: 1, transportId: 1 } })
        .toArray(),
    ]);
    const recorded = new Set(orders.map((o) => o.orderId));
    await explainOrphans(
      address,
      [...workflows.values()].filter((w) => !recorded.has(w.orderId)),
    );
    return {
      takenAt,
      orders,
      workflows,
      ledger: ledger.map((e) => ({
        id: String(e._id),
        orderId: String(e.orderId),
        type: e.type as LedgerRecord['type'],
        amountCents: Number(e.amountCents),
      })),
      ...(provider
        ? {
            provider: provider.flatMap((c) => {
              const orderId = CHARGE_KEY.exec(String(c._id))?.[1];
              return orderId ? [{ orderId, capturedCents: Number(c.amountCents), refundedCents: Number(c.refundedCents) }] : [];
            }),
          }
        : {}),
      stock,
      reservations: reservations.map((r) => ({
        orderId: String(r._id),
        status: r.status as ReservationStatus,
        lines: (r.lines ?? []) as Line[],
      })),
      notifications: new Map(
        notifications.map((n) => [
          String(n._id),
          {
            id: String(n._id),
            status: String(n.status),
            ...(typeof n.sendAttempts === 'number' ? { sendAttempts: n.sendAttempts } : {}),
            ...(typeof n.transportId === 'string' ? { transportId: n.transportId } : {}),
          },
        ]),
      ),
    };
  } finally {
    await mongo.close();
  }
}
