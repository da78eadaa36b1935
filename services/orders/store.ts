// The orders service's data: one document per order (`_id` = orderId) that holds
// both its event log (`events`, at most one event of each type, so at most
// ORDER_EVENT_TYPES.length) and the read model folded from it (CQRS). Appending
// an event (or the few the saga records together) is ONE atomic update: guarded by
// `'events.type': {$ne: type}`, it pushes the event, increments `version` and
// `$set`s the read-model fields the event changes. So the log and the read model can never disagree, a retried or
// duplicated append records its event once, and no lock or scan is needed.
// An event's version is its position in the log + 1. The saga's history is the
// source of truth: an event the database lost is written again from what the
// saga passes with its next record (see `append`).
import type { Collection, Db, Filter } from 'mongodb';
import { DomainError } from '../../shared/domain/errors.js';
import { ORDER_EVENT_TYPES } from '../../shared/domain/vocabulary.js';
import { type OrderEvent } from '../../shared/domain/order.js';
import { insertIfNew } from '../../shared/mongo.js';
import { eventChanges, project, type StoredOrder, type StoredEvent } from './projection.js';

interface EmbeddedEvent {
  type: StoredEvent['type'];
  data: StoredEvent['data'];
  at: Date;
}

interface OrderDoc extends StoredOrder {
  _id: string;
  events: EmbeddedEvent[];
}

export interface StoredOrderPage {
  items: StoredOrder[];
  next?: { createdAt: string; orderId: string };
}

const withoutLog = { projection: { events: 0 } } as const;
const MAX_ROUNDS = 12;

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

  /**
   * Appends the event unless the order already has one of its type; returns the event's version either way.
   * `earlier` is what the writer (the order saga, whose history is the source of truth) recorded
   * before this event, in its order. The log is the saga's projection: events of `earlier` that
   * the log lacks (a write lost with a database crash, a deleted document) are appended again
   * first, so a gap is filled instead of failing the saga. In the usual case, nothing missing,
   * this is still one atomic update.
   */
  async append(orderId: string, event: OrderEvent, earlier: readonly OrderEvent[] = []): Promise<{ version: number }> {
    for (const e of [...earlier, event]) checkEvent(orderId, e);
    if (event.type === 'OrderPlaced') return (await this.create(orderId, [event])) ?? { version: 1 };
    const prior = earlier.filter((e) => e.type !== event.type);
    const required = prior.map((e) => e.type);
    // With the writer's list, nothing else belongs in the log: an event of a branch its history
    // never kept (a local activity of a workflow task lost in a crash) is a phantom.
    const allowed = earlier.length ? new Set([...required, event.type]) : undefined;
    // Each round fills what was missing; a second is the most a single writer ever needs. Under
    // contention a round is also lost whenever another writer changed the log first (its progress),
    // so a burst of retries racing over one log gets more rounds before the attempt gives up.
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const appended = await this.appendTo(orderId, event, required, allowed);
      if (appended) return appended;
      const doc = await this.orders.findOne({ _id: orderId }, { projection: { 'events.type': 1, 'events.at': 1, version: 1 } });
      // Only a writer whose own event is not in the log yet may take an unknown event for a phantom:
      // the saga records an event only after its previous record succeeded, so the log can hold
      // the saga's later events only once it holds this one.
      if (doc && allowed && !doc.events.some((e) => e.type === event.type) && doc.events.some((e) => !allowed.has(e.type))) {
        // The saga's history is the truth: the log becomes its list, by one conditional replace.
        const rebuilt = await this.replaceLog(orderId, doc, [...prior, event]);
        if (rebuilt) return rebuilt;
        continue;
      }
      if (!doc) {
        if (!prior.some((e) => e.type === 'OrderPlaced')) throw notPlaced(orderId);
        // A duplicate key means another attempt created it meanwhile: go round again.
        const created = await this.create(orderId, [...prior, event]);
        if (created) return created;
        continue;
      }
      const present = new Set(doc.events.map((e) => e.type));
      for (const missing of prior.filter((e) => !present.has(e.type))) await this.appendTo(orderId, missing, []);
    }
    // Retryable: the next attempt finds the log as these rounds left it.
    throw new Error(`order ${orderId}: could not append ${event.type} after filling the log's gaps`);
  }

  /**
   * Appends `events`, recorded by the writer in this order after `earlier`, each as `append` would;
   * returns the version of the last. The usual case (none of them stored yet, nothing missing
   * before them) is ONE atomic update for all of them, so a writer with several events to record
   * pays one write; anything else (a retry, a gap, a phantom) goes event by event.
   */
  async appendAll(orderId: string, events: readonly OrderEvent[], earlier: readonly OrderEvent[] = []): Promise<{ version: number }> {
    for (const e of [...earlier, ...events]) checkEvent(orderId, e);
    const types = new Set(events.map((e) => e.type));
    if (events.length > 1 && types.size === events.length && !types.has('OrderPlaced')) {
      const required = earlier.filter((e) => !types.has(e.type)).map((e) => e.type);
      const allowed = earlier.length ? new Set([...required, ...types]) : undefined;
      const pushed = await this.push(orderId, events, required, allowed);
      if (pushed) return pushed;
    }
    let last = { version: 0 };
    for (const [i, event] of events.entries()) last = await this.append(orderId, event, [...earlier, ...events.slice(0, i)]);
    return last;
  }

  /**
   * Creates the order's document from `events` (OrderPlaced first, then the rest in order, each
   * type once) with the read model folded from them; undefined when the document already exists.
   * Returns the version of the last event given.
   */
  private async create(orderId: string, events: readonly OrderEvent[]): Promise<{ version: number } | undefined> {
    const placed = events.find((e) => e.type === 'OrderPlaced');
    if (!placed) throw notPlaced(orderId);
    const at = new Date();
    const log: EmbeddedEvent[] = [];
    for (const e of [placed, ...events]) if (!log.some((l) => l.type === e.type)) log.push({ type: e.type, data: e.data, at });
    const view = project(log.map((e, i) => ({ orderId, version: i + 1, ...e })))!;
    if (!(await insertIfNew(this.orders, { _id: orderId, ...view, events: log }))) return undefined;
    const last = events[events.length - 1]!;
    return { version: log.findIndex((e) => e.type === last.type) + 1 };
  }

  /**
   * Replaces the log with `events` (the writer's list, OrderPlaced first), keeping the time of
   * each event it already had, and the read model folded from them; only if the document still
   * holds exactly the types read at the version read (single-document atomic). The version alone
   * would not do: a rebuild may shorten the log, so a later log can be back at the version an
   * older reader saw (and a stale writer must not cut events appended since). The version of the
   * last event, or undefined when someone wrote in between (the caller reads again).
   */
  private async replaceLog(
    orderId: string,
    doc: { version: number; events: Array<{ type: string; at: Date }> },
    events: readonly OrderEvent[],
  ): Promise<{ version: number } | undefined> {
    const placed = events.find((e) => e.type === 'OrderPlaced');
    if (!placed) throw notPlaced(orderId);
    const kept = new Map(doc.events.map((e) => [e.type, e.at]));
    const now = new Date();
    const log: EmbeddedEvent[] = [];
    for (const e of [placed, ...events])
      if (!log.some((l) => l.type === e.type)) log.push({ type: e.type, data: e.data, at: kept.get(e.type) ?? now });
    const view = project(log.map((e, i) => ({ orderId, version: i + 1, ...e })))!;
    const types = doc.events.map((e) => e.type);
    // Separate clauses, as in appendTo: mongo-java-server mis-matches `$all` combined on an array path.
    const unchanged = { $and: [{ version: doc.version }, { events: { $size: types.length } }, { 'events.type': { $all: types } }] };
    const { modifiedCount } = await this.orders.replaceOne({ _id: orderId, ...unchanged }, { ...view, events: log });
    const last = events[events.length - 1]!;
    return modifiedCount === 1 ? { version: log.findIndex((e) => e.type === last.type) + 1 } : undefined;
  }

  /**
   * Appends a later event (not OrderPlaced) unless its type is there, provided every `required`
   * type is. Its version, or undefined when the document is missing or lacks a required event.
   */
  private async appendTo(
    orderId: string,
    event: OrderEvent,
    required: readonly string[],
    allowed?: ReadonlySet<string>,
  ): Promise<{ version: number } | undefined> {
    const pushed = await this.push(orderId, [event], required, allowed);
    if (pushed) return pushed;

    const doc = await this.orders.findOne({ _id: orderId }, { projection: { 'events.type': 1 } });
    const position = doc ? doc.events.findIndex((e) => e.type === event.type) : -1;
    // A refused append finds its type there (a retry, or a late attempt after the saga moved on:
    // later events are then the saga's own, never to be taken for phantoms), or lacks a required
    // one, or finds a phantom: the caller fills or rebuilds.
    return position < 0 ? undefined : { version: position + 1 };
  }

  /**
   * One guarded atomic update: pushes `events` (none of them OrderPlaced) unless any of their types
   * is there, provided every `required` type is, and with `allowed` (the writer's list) nothing
   * else. The version of the last, or undefined when the guard refused.
   */
  private async push(
    orderId: string,
    events: readonly OrderEvent[],
    required: readonly string[],
    allowed?: ReadonlySet<string>,
  ): Promise<{ version: number } | undefined> {
    const at = new Date();
    const logged: EmbeddedEvent[] = events.map((e) => ({ type: e.type, data: e.data, at }));
    // The read model after them all: each event's changes in order, a later one winning, as the fold does.
    const changes = logged.reduce<Partial<StoredOrder>>((view, e) => ({ ...view, ...eventChanges({ orderId, version: 0, ...e }) }), {});
    // Separate clauses, not one `{ $ne, $all }` (or `$nin`): mongo-java-server matches such
    // combinations on an array path wrongly. With the writer's list the log must hold exactly the
    // required types (each type is there once), no phantom.
    const clauses = [
      ...logged.map((e) => ({ 'events.type': { $ne: e.type } })),
      ...(required.length ? [{ 'events.type': { $all: [...required] } }] : []),
      ...(required.length && allowed ? [{ events: { $size: required.length } }] : []),
    ];
    const guard = clauses.length === 1 ? clauses[0] : { $and: clauses };
    // The before image is the caller's own: under contention an 'after' image may
    // already include later appends, so the version is computed from 'before'.
    const before = await this.orders.findOneAndUpdate(
      { _id: orderId, ...guard },
      { $push: { events: { $each: logged } }, $inc: { version: logged.length }, $set: { ...changes, updatedAt: at } },
      { returnDocument: 'before', projection: { version: 1 } },
    );
    return before ? { version: before.version + logged.length } : undefined;
  }

  async history(orderId: string): Promise<StoredEvent[]> {
    const doc = await this.orders.findOne({ _id: orderId }, { projection: { events: 1 } });
    return (doc?.events ?? []).map((e, i) => ({ orderId, version: i + 1, type: e.type, data: e.data, at: e.at }));
  }

  /** The read model rebuilt from the event log alone. */
  async rebuild(orderId: string): Promise<StoredOrder | undefined> {
    return project(await this.history(orderId));
  }

  async get(orderId: string): Promise<StoredOrder | undefined> {
    const doc = await this.orders.findOne({ _id: orderId }, withoutLog);
    if (!doc) return undefined;
    const { _id, ...view } = doc;
    return view;
  }

  /** Newest first; `after` is the position of the last order of the previous page. */
  async list(customerId: string | undefined, limit: number, after?: { createdAt: string; orderId: string }): Promise<StoredOrderPage> {
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

/** A known type with data that fits it: anything else is never storable, so not worth a retry. */
function checkEvent(orderId: string, event: OrderEvent): void {
  // The activity's schema already refuses these; this keeps any other caller from storing one.
  if (!(ORDER_EVENT_TYPES as readonly string[]).includes(event.type))
    throw new DomainError('InvalidInput', `unknown order event type ${JSON.stringify(event.type)}`);
  try {
    eventChanges({ orderId, version: 0, type: event.type, data: event.data, at: new Date() });
  } catch {
    throw new DomainError('InvalidInput', `malformed data for order event ${event.type}`);
  }
}

/**
 * A later event without OrderPlaced, neither in the log nor among the events the writer
 * recorded before it: a bug (or the wrong database), not something a retry fixes, so the
 * saga fails visibly instead of stalling.
 */
const notPlaced = (orderId: string) => new DomainError('InvalidState', `order ${orderId} has no OrderPlaced event`);
