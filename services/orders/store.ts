// The orders service's data: one document per order (`_id` = orderId) that holds
// both its event log (`events`, at most one event of each type, so at most
// ORDER_EVENT_TYPES.length) and the read model folded from it (CQRS). Appending
// an event is ONE atomic update: guarded by `'events.type': {$ne: type}`, it
// pushes the event, increments `version` and `$set`s the read-model fields the
// event changes. So the log and the read model can never disagree, a retried or
// duplicated append records its event once, and no lock or scan is needed.
// An event's version is its position in the log + 1.
import type { Collection, Db, Filter } from 'mongodb';
import { DomainError } from '../../shared/domain/errors.js';
import { ORDER_EVENT_TYPES } from '../../shared/domain/vocabulary.js';
import { type OrderEvent } from '../../shared/domain/order.js';
import { isDuplicateKeyError } from '../../shared/mongo.js';
import { eventChanges, project, type OrderView, type StoredEvent } from './projection.js';

interface EmbeddedEvent {
  type: StoredEvent['type'];
  data: StoredEvent['data'];
  at: Date;
}

interface OrderDoc extends OrderView {
  _id: string;
  events: EmbeddedEvent[];
}

export interface OrderPage {
  items: OrderView[];
  next?: { createdAt: string; orderId: string };
}

const withoutLog = { projection: { events: 0 } } as const;

export class OrdersStore {
  readonly orders: Collection<OrderDoc>;

  constructor(db: Db) {
    this.orders = db.collection<OrderDoc>('orders');
  }

  async ensureIndexes(): Promise<void> {
    // For the lists on real MongoDB (mongo-java-server ignores non-unique indexes and scans).
    await this.orders.createIndex({ customerId: 1, createdAt: -1, _id: -1 });
    await this.orders.createIndex({ createdAt: -1, _id: -1 });
  }

  /** Appends the event unless the order already has one of its type; returns the event's version either way. */
  async append(orderId: string, event: OrderEvent): Promise<{ version: number }> {
    // The activity's schema already refuses unknown types; this keeps any other caller from storing one.
    if (!(ORDER_EVENT_TYPES as readonly string[]).includes(event.type))
      throw new DomainError('InvalidInput', `unknown order event type ${JSON.stringify(event.type)}`);
    const at = new Date();
    const logged: EmbeddedEvent = { type: event.type, data: event.data, at };

    if (event.type === 'OrderPlaced') {
      // OrderPlaced creates the document, so it is always version 1; a duplicate
      // (E11000 on _id) finds it recorded, and the first one's data stands.
      const view = project([{ orderId, version: 1, ...logged }])!;
      try {
        await this.orders.insertOne({ _id: orderId, ...view, events: [logged] });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      return { version: 1 };
    }

    let changes: ReturnType<typeof eventChanges>;
    try {
      changes = eventChanges({ orderId, version: 0, ...logged });
    } catch {
      // Data that does not fit its type: never storable, so not worth a retry.
      if (!(await this.orders.findOne({ _id: orderId }, { projection: { _id: 1 } }))) throw notPlaced(orderId);
      throw new DomainError('InvalidInput', `malformed data for order event ${event.type}`);
    }
    // The before image is the caller's own: under contention an 'after' image may
    // already include later appends, so the version is computed from 'before'.
    const before = await this.orders.findOneAndUpdate(
      { _id: orderId, 'events.type': { $ne: event.type } },
      { $push: { events: logged }, $inc: { version: 1 }, $set: { ...changes, updatedAt: at } },
      { returnDocument: 'before', projection: { version: 1 } },
    );
    if (before) return { version: before.version + 1 };

    const doc = await this.orders.findOne({ _id: orderId }, { projection: { 'events.type': 1 } });
    if (!doc) throw notPlaced(orderId);
    const position = doc.events.findIndex((e) => e.type === event.type);
    // Types are never removed from a log, so a refused append means the type is there.
    if (position < 0) throw new Error(`order ${orderId}: the ${event.type} append was refused but the event is not in the log`);
    return { version: position + 1 };
  }

  async history(orderId: string): Promise<StoredEvent[]> {
    const doc = await this.orders.findOne({ _id: orderId }, { projection: { events: 1 } });
    return (doc?.events ?? []).map((e, i) => ({ orderId, version: i + 1, type: e.type, data: e.data, at: e.at }));
  }

  /** The read model rebuilt from the event log alone. */
  async rebuild(orderId: string): Promise<OrderView | undefined> {
    return project(await this.history(orderId));
  }

  async get(orderId: string): Promise<OrderView | undefined> {
    const doc = await this.orders.findOne({ _id: orderId }, withoutLog);
    if (!doc) return undefined;
    const { _id, ...view } = doc;
    return view;
  }

  /** Newest first; `after` is the position of the last order of the previous page. */
  async list(customerId: string | undefined, limit: number, after?: { createdAt: string; orderId: string }): Promise<OrderPage> {
    const filter: Filter<OrderDoc> = customerId ? { customerId } : {};
    if (after) {
      const at = new Date(after.createdAt);
      Object.assign(filter, { $or: [{ createdAt: { $lt: at } }, { createdAt: at, _id: { $lt: after.orderId } }] });
    }
    const docs = await this.orders
      .find(filter, withoutLog)
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit + 1)
      .toArray();
    const items = docs.slice(0, limit).map(({ _id, ...view }) => view);
    const last = items[items.length - 1];
    return { items, ...(docs.length > limit && last ? { next: { createdAt: last.createdAt.toISOString(), orderId: last.orderId } } : {}) };
  }
}

/**
 * The saga records OrderPlaced before anything else, so its absence is a bug (or the wrong
 * database), not something a retry fixes: fail the saga visibly instead of stalling it.
 */
const notPlaced = (orderId: string) => new DomainError('InvalidState', `order ${orderId} has no OrderPlaced event`);
