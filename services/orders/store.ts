// The orders service's data: an append-only event log per order (unique
// (orderId, version) and one event of each type per order) and a read model
// materialised from it (CQRS). Appends are idempotent by (orderId, type), so a
// retried activity records its event once.
import type { Collection, Db, Filter } from 'mongodb';
import { BusinessError } from '../../shared/activity-failure.js';
import { ORDER_EVENT_TYPES, type OrderEvent } from '../../shared/domain.js';
import { isDuplicateKeyError } from '../../shared/mongo.js';
import { MongoLocks } from '../../shared/mongo-lock.js';
import { project, type OrderView, type StoredEvent } from './projection.js';

interface EventDoc extends StoredEvent {
  _id: string; // `${orderId}:${version}`
}

interface OrderDoc extends OrderView {
  _id: string;
}

export interface OrderPage {
  items: OrderView[];
  next?: { createdAt: string; orderId: string };
}

const MAX_APPEND_ATTEMPTS = 20;

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
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
      const existing = await this.events.findOne({ orderId, type: event.type });
      if (existing) {
        await this.refresh(orderId); // an earlier attempt may have stopped before the read model
        return { version: existing.version };
      }
      const last = await this.events.find({ orderId }).sort({ version: -1 }).limit(1).next();
      // The saga records OrderPlaced before anything else, so its absence is a bug (or the wrong
      // database), not something a retry fixes: fail the saga visibly instead of stalling it.
      if (!last && event.type !== 'OrderPlaced') throw new BusinessError('InvalidState', `order ${orderId} has no OrderPlaced event`);
      const version = (last?.version ?? 0) + 1;
      try {
        await this.events.insertOne({ _id: `${orderId}:${version}`, orderId, version, type: event.type, data: event.data, at: new Date() });
      } catch (error) {
        if (isDuplicateKeyError(error)) continue; // another writer took this version, or recorded this type: look again
        throw error;
      }
      await this.refresh(orderId);
      return { version };
    }
    throw new Error(`could not append ${event.type} to order ${orderId}: too much contention`);
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
