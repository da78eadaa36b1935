// The orders service's data: an append-only event log per order (unique
// (orderId, version) and one event of each type per order) and a read model
// materialised from it (CQRS). Appends are idempotent by (orderId, type), so a
// retried activity records its event once.
//
// The hot path touches documents by `_id` only: FerretDB 1.24 (SQLite) pushes
// down nothing but an exact `_id` filter, so any other query scans the whole
// collection (measured: an append took 89 ms with 600 events stored, 359 ms with
// 1,800). An event's `_id` is `<orderId>:<type>`, the next version comes from the
// read model, and the read model advances by applying the new event to it; the
// scans remain only as the fallback when those disagree (a crash between the
// event and the read model, or events stored under the older `<orderId>:<version>` ids).
import type { Collection, Db, Filter } from 'mongodb';
import { BusinessError } from '../../shared/activity-failure.js';
import { ORDER_EVENT_TYPES } from '../../shared/domain/vocabulary.js';
import { type OrderEvent } from '../../shared/domain/order.js';
import { isDuplicateKeyError } from '../../shared/mongo.js';
import { MongoLocks } from '../../shared/mongo-lock.js';
import { applyEvent, project, type OrderView, type StoredEvent } from './projection.js';

interface EventDoc extends StoredEvent {
  _id: string; // `${orderId}:${type}` (older events: `${orderId}:${version}`)
}

const eventId = (orderId: string, type: string) => `${orderId}:${type}`;

interface OrderDoc extends OrderView {
  _id: string;
}

export interface OrderPage {
  items: OrderView[];
  next?: { createdAt: string; orderId: string };
}

export class OrdersStore {
  readonly events: Collection<EventDoc>;
  readonly orders: Collection<OrderDoc>;

  private readonly locks: MongoLocks;

  constructor(db: Db) {
    this.events = db.collection<EventDoc>('events');
    this.orders = db.collection<OrderDoc>('orders');
    this.locks = new MongoLocks(db);
  }

  async ensureIndexes(): Promise<void> {
    await this.events.createIndex({ orderId: 1, version: 1 }, { unique: true });
    await this.events.createIndex({ orderId: 1, type: 1 }, { unique: true });
    await this.orders.createIndex({ customerId: 1, createdAt: -1, _id: -1 });
    await this.orders.createIndex({ createdAt: -1, _id: -1 });
  }

  /** Appends the event unless the order already has one of its type; returns the event's version either way. */
  async append(orderId: string, event: OrderEvent): Promise<{ version: number }> {
    // The activity's schema already refuses unknown types; this keeps any other caller from storing one.
    if (!(ORDER_EVENT_TYPES as readonly string[]).includes(event.type)) throw new BusinessError('InvalidInput', `unknown order event type ${JSON.stringify(event.type)}`);
    // One writer per order at a time: the version and the read model are read, then written.
    return this.locks.withLock(`order:${orderId}`, () => this.appendUnlocked(orderId, event));
  }

  private async appendUnlocked(orderId: string, event: OrderEvent): Promise<{ version: number }> {
    const [recorded, head] = await Promise.all([this.events.findOne({ _id: eventId(orderId, event.type) }), this.readModel(orderId)]);
    if (recorded) {
      // A retry: an earlier attempt may have stopped before the read model.
      if (!head || head.version < recorded.version) await this.refreshUnlocked(orderId);
      return { version: recorded.version };
    }
    // Without a read model only OrderPlaced (version 1) can go first; anything else needs the log.
    if (!head && event.type !== 'OrderPlaced') return this.appendByScan(orderId, event);
    const stored: EventDoc = { _id: eventId(orderId, event.type), orderId, version: (head?.version ?? 0) + 1, type: event.type, data: event.data, at: new Date() };
    try {
      await this.events.insertOne(stored);
    } catch (error) {
      // The version is taken (the read model lags a crashed append) or the type was stored
      // under an older id: let the log itself decide.
      if (isDuplicateKeyError(error)) return this.appendByScan(orderId, event);
      throw error;
    }
    const { _id, ...storedEvent } = stored;
    const view = head ? applyEvent(head, storedEvent) : project([storedEvent])!;
    await this.orders.replaceOne({ _id: orderId }, view, { upsert: true });
    return { version: stored.version };
  }

  /** The slow, always-right path: reads the order's whole log. Runs under the order's lock. */
  private async appendByScan(orderId: string, event: OrderEvent): Promise<{ version: number }> {
    const existing = await this.events.findOne({ orderId, type: event.type });
    if (existing) {
      await this.refreshUnlocked(orderId);
      return { version: existing.version };
    }
    const last = await this.events.find({ orderId }).sort({ version: -1 }).limit(1).next();
    // The saga records OrderPlaced before anything else, so its absence is a bug (or the wrong
    // database), not something a retry fixes: fail the saga visibly instead of stalling it.
    if (!last && event.type !== 'OrderPlaced') throw new BusinessError('InvalidState', `order ${orderId} has no OrderPlaced event`);
    const version = (last?.version ?? 0) + 1;
    await this.events.insertOne({ _id: eventId(orderId, event.type), orderId, version, type: event.type, data: event.data, at: new Date() });
    await this.refreshUnlocked(orderId);
    return { version };
  }

  private async readModel(orderId: string): Promise<OrderView | undefined> {
    const doc = await this.orders.findOne({ _id: orderId });
    if (!doc) return undefined;
    const { _id, ...view } = doc;
    return view;
  }

  async history(orderId: string): Promise<StoredEvent[]> {
    const docs = await this.events.find({ orderId }).sort({ version: 1 }).toArray();
    return docs.map(({ _id, ...event }) => event);
  }

  /** The read model rebuilt from the event log alone. */
  async rebuild(orderId: string): Promise<OrderView | undefined> {
    return project(await this.history(orderId));
  }

  /** Materialises the read model; an older projection never overwrites a newer one. */
  async refresh(orderId: string): Promise<void> {
    await this.locks.withLock(`order:${orderId}`, () => this.refreshUnlocked(orderId));
  }

  private async refreshUnlocked(orderId: string): Promise<void> {
    const view = await this.rebuild(orderId);
    if (!view) return;
    try {
      await this.orders.replaceOne({ _id: orderId, version: { $lt: view.version } }, view, { upsert: true });
    } catch (error) {
      // The upsert collided with a newer copy written meanwhile: that one wins.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async get(orderId: string): Promise<OrderView | undefined> {
    const doc = await this.orders.findOne({ _id: orderId });
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
    const docs = await this.orders.find(filter).sort({ createdAt: -1, _id: -1 }).limit(limit + 1).toArray();
    const items = docs.slice(0, limit).map(({ _id, ...view }) => view);
    const last = items[items.length - 1];
    return { items, ...(docs.length > limit && last ? { next: { createdAt: last.createdAt.toISOString(), orderId: last.orderId } } : {}) };
  }
}
