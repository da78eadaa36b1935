// Stock per sku and reservations per order, without multi-document transactions:
// every change to a stock document is one atomic update guarded by a marker on
// that same document (the order id in `holds` or `restocks`), so a retried or
// duplicated call can never apply twice, and `available` never goes negative.
import type { Collection, Db } from 'mongodb';
import { BusinessError } from '../../shared/activity-failure.js';
import { isDuplicateKeyError } from '../../shared/mongo.js';
import { MongoLocks } from '../../shared/mongo-lock.js';
import type { OrderLine } from '../../shared/domain/order.js';

export type ReservationStatus = 'PENDING' | 'RESERVED' | 'COMMITTED' | 'RELEASED' | 'REJECTED';

interface StockDoc {
  _id: string;
  available: number;
  reserved: number;
  /** Orders holding reserved units of this sku (removed on commit or release). */
  holds?: string[];
  /** Orders whose committed units came back (a cancel after confirmation). */
  restocks?: string[];
  updatedAt: Date;
}

interface ReservationDoc {
  _id: string;
  status: ReservationStatus;
  lines: OrderLine[];
  /** Set once the units left the warehouse; a later release restocks them. */
  committed?: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface StockLevel {
  sku: string;
  available: number;
  reserved: number;
}

/** One line per sku, sorted, so concurrent reservations touch documents in the same order. */
export function mergeLines(lines: OrderLine[]): OrderLine[] {
  const bySku = new Map<string, number>();
  for (const { sku, quantity } of lines) bySku.set(sku, (bySku.get(sku) ?? 0) + quantity);
  return [...bySku.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([sku, quantity]) => ({ sku, quantity }));
}

export class InventoryStore {
  readonly stock: Collection<StockDoc>;
  readonly reservations: Collection<ReservationDoc>;
  private readonly locks: MongoLocks;

  constructor(db: Db) {
    this.stock = db.collection<StockDoc>('stock');
    this.reservations = db.collection<ReservationDoc>('reservations');
    this.locks = new MongoLocks(db);
  }

  /** Every write of a stock document runs under its sku's lock (see shared/mongo-lock.ts). */
  private updateStock(sku: string, filter: Record<string, unknown>, update: Record<string, unknown>, options: { upsert?: boolean } = {}) {
    return this.locks.withLock(`stock:${sku}`, () => this.stock.updateOne({ _id: sku, ...filter }, update, options));
  }

  async ensureIndexes(): Promise<void> {
    await this.reservations.createIndex({ status: 1, updatedAt: 1 });
  }

  async level(sku: string): Promise<StockLevel | undefined> {
    const doc = await this.stock.findOne({ _id: sku });
    return doc ? { sku, available: doc.available, reserved: doc.reserved } : undefined;
  }

  /** Sets the sellable units of a sku (an admin's stock count); reserved units stay as they are. */
  async setAvailable(sku: string, available: number): Promise<StockLevel> {
    await this.updateStock(sku, {}, { $set: { available, updatedAt: new Date() }, $setOnInsert: { reserved: 0 } }, { upsert: true });
    return (await this.level(sku))!;
  }

  /** Opening stock for a sku that has none yet (demo seed); existing stock is kept. */
  async seed(sku: string, available: number): Promise<void> {
    await this.updateStock(sku, {}, { $setOnInsert: { available, reserved: 0, updatedAt: new Date() } }, { upsert: true });
  }

  async reservation(orderId: string): Promise<{ orderId: string; status: ReservationStatus; lines: OrderLine[] } | undefined> {
    const doc = await this.reservations.findOne({ _id: orderId });
    return doc ? { orderId, status: doc.status, lines: doc.lines } : undefined;
  }

  /**
   * All-or-nothing: either every line is held for the order or none is.
   * A repeat returns the first outcome (OutOfStock again after a rejection).
   */
  async reserve(orderId: string, lines: OrderLine[]): Promise<{ orderId: string; status: 'RESERVED' | 'COMMITTED' | 'RELEASED' }> {
    const merged = mergeLines(lines);
    const now = new Date();
    let reservation: ReservationDoc;
    try {
      reservation = { _id: orderId, status: 'PENDING', lines: merged, createdAt: now, updatedAt: now };
      await this.reservations.insertOne(reservation);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      reservation = (await this.reservations.findOne({ _id: orderId }))!;
      if (reservation.status === 'REJECTED') throw new BusinessError('OutOfStock', `not enough stock for order ${orderId}`);
      if (reservation.status !== 'PENDING') return { orderId, status: reservation.status };
      // PENDING: an earlier attempt stopped half-way; finish it with the lines it started with.
    }

    for (const line of reservation.lines) {
      const held = await this.updateStock(line.sku,
        { available: { $gte: line.quantity }, holds: { $ne: orderId } },
        { $inc: { available: -line.quantity, reserved: line.quantity }, $push: { holds: orderId }, $set: { updatedAt: new Date() } },
      );
      if (held.modifiedCount === 1) continue;
      const doc = await this.stock.findOne({ _id: line.sku });
      // `holds` may be absent: FerretDB drops empty arrays from an upsert's $setOnInsert.
      if (doc?.holds?.includes(orderId)) continue; // held by the earlier attempt
      await this.returnHolds(orderId, reservation.lines);
      await this.reservations.updateOne({ _id: orderId, status: 'PENDING' }, { $set: { status: 'REJECTED', updatedAt: new Date() } });
      if (!doc) throw new BusinessError('UnknownProduct', `no stock record for ${line.sku}`, { sku: line.sku });
      throw new BusinessError('OutOfStock', `only ${doc.available} of ${line.sku} available, ${line.quantity} requested`, { sku: line.sku, available: doc.available });
    }

    const done = await this.reservations.updateOne({ _id: orderId, status: 'PENDING' }, { $set: { status: 'RESERVED', updatedAt: new Date() } });
    if (done.modifiedCount === 1) return { orderId, status: 'RESERVED' };
    // Released while we were still holding (a compensation overtook a slow attempt): give everything back.
    const current = (await this.reservations.findOne({ _id: orderId }))!;
    if (current.status === 'RELEASED') await this.returnHolds(orderId, reservation.lines);
    if (current.status === 'REJECTED') throw new BusinessError('OutOfStock', `not enough stock for order ${orderId}`);
    return { orderId, status: current.status as 'RESERVED' | 'COMMITTED' | 'RELEASED' };
  }

  /** The reserved units leave the warehouse. Fails InvalidState for a released or unknown reservation. */
  async commit(orderId: string): Promise<{ committed: boolean }> {
    const doc = await this.reservations.findOneAndUpdate(
      { _id: orderId, status: { $in: ['RESERVED', 'COMMITTED'] } },
      { $set: { status: 'COMMITTED', committed: true, updatedAt: new Date() } },
      { returnDocument: 'after' },
    );
    if (!doc) throw new BusinessError('InvalidState', `order ${orderId} has no reservation to commit`);
    for (const line of doc.lines) {
      await this.updateStock(line.sku,
        { holds: orderId },
        { $inc: { reserved: -line.quantity }, $pull: { holds: orderId }, $set: { updatedAt: new Date() } },
      );
    }
    return { committed: true };
  }

  /**
   * Gives the order's units back: held units return to available, committed ones
   * are restocked. A no-op without a reservation; a repeat answers the same.
   */
  async release(orderId: string): Promise<{ released: boolean }> {
    const before = await this.reservations.findOneAndUpdate(
      { _id: orderId, status: { $in: ['PENDING', 'RESERVED', 'COMMITTED'] } },
      { $set: { status: 'RELEASED', updatedAt: new Date() } },
      { returnDocument: 'before' },
    );
    const doc = before ?? (await this.reservations.findOne({ _id: orderId }));
    if (!doc) {
      // A tombstone, so a reserve attempt still in flight cannot hold stock afterwards.
      const now = new Date();
      await this.reservations.insertOne({ _id: orderId, status: 'RELEASED', lines: [], createdAt: now, updatedAt: now }).catch((error: unknown) => {
        if (!isDuplicateKeyError(error)) throw error;
      });
      return this.release(orderId);
    }
    if (!before && doc.status !== 'RELEASED') return { released: false }; // REJECTED: nothing was ever held
    // Also when it was released before: finishes what an interrupted earlier call left (every update is guarded).
    if (doc.committed) await this.restock(orderId, doc.lines);
    else await this.returnHolds(orderId, doc.lines);
    return { released: doc.lines.length > 0 };
  }

  private async returnHolds(orderId: string, lines: OrderLine[]): Promise<void> {
    for (const line of lines) {
      await this.updateStock(line.sku,
        { holds: orderId },
        { $inc: { available: line.quantity, reserved: -line.quantity }, $pull: { holds: orderId }, $set: { updatedAt: new Date() } },
      );
    }
  }

  /**
   * A committed order's units come back once: the `restocks` marker guards each sku,
   * whether the unit was still held (commit interrupted) or had left the warehouse.
   */
  private async restock(orderId: string, lines: OrderLine[]): Promise<void> {
    for (const line of lines) {
      const fromHold = await this.updateStock(line.sku,
        { holds: orderId, restocks: { $ne: orderId } },
        { $inc: { available: line.quantity, reserved: -line.quantity }, $pull: { holds: orderId }, $push: { restocks: orderId }, $set: { updatedAt: new Date() } },
      );
      if (fromHold.modifiedCount === 1) continue;
      await this.updateStock(line.sku,
        { holds: { $ne: orderId }, restocks: { $ne: orderId } },
        { $inc: { available: line.quantity }, $push: { restocks: orderId }, $set: { updatedAt: new Date() } },
      );
    }
  }
}
