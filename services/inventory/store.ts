// Stock per sku and reservations per order, with no transactions and no locks:
// every write is one atomic single-document update, guarded so that a retried,
// duplicated or stale call can never apply twice.
//
// Two kinds of document:
// - stock (`_id` = sku): `available`, `reserved`, `holds` (orderId -> units, the
//   OPEN reservations of this sku only) and `closed`, the last CLOSED_MARKERS
//   markers of holds closed here (`<orderId>`) and of committed units restocked
//   (`<orderId>:restocked`). Both stay bounded however many orders pass.
//   Three running totals let an audit prove that no unit was lost or made up:
//   `received` (units brought in by stock counts), `committed` (units that left
//   with a confirmed order) and `restocked` (committed units that came back), so
//   that at every moment   received + restocked = available + reserved + committed.
//   Each is $inc'ed in the very update that moves the units it counts, never in
//   a second write a crash could separate from the first.
// - reservations (`_id` = orderId): the state machine
//     PENDING -> RESERVED -> COMMITTED -> RELEASED (units come back: a restock)
//     PENDING | RESERVED -> RELEASED,  PENDING -> REJECTED
//   Each transition is a conditional update from an explicit set of states, so of
//   two racing transitions out of one state exactly one matches (commit and
//   release can never both take RESERVED).
//
// Per line, the stock updates mirror the reservation's state and are each
// idempotent on their own (a call may stop between documents and be retried):
//   hold     available -= q, reserved += q, holds.o = q   only while holds.o is absent and o is not in `closed`
//   close    reserved -= q, then committed += q (commit) or available += q (release), holds.o unset,
//            o pushed to `closed`   only while holds.o = q
//   restock  available += q, restocked += q, `o:restocked` pushed   only while holds.o is absent and the marker is not in `closed`
// The markers make a stale duplicate (a hold or restock arriving after the hold
// was closed) a no-op. They are capped, so that guard covers the last
// CLOSED_MARKERS closings of the sku; past that window the reservation's state
// still stops a stale reserve (it gives back what it held when it finds the
// reservation closed), and a restock is also recorded on the reservation
// (`restockedSkus`), which retries consult first.
import type { Collection, Db, UpdateFilter } from 'mongodb';
import { DomainError } from '../../shared/domain/errors.js';
import type { BusinessFailureType } from '../../shared/domain/vocabulary.js';
import { insertIfNew } from '../../shared/mongo.js';
import type { StockLevel, StockLine } from '../../shared/domain/stock.js';

export type ReservationStatus = 'PENDING' | 'RESERVED' | 'COMMITTED' | 'RELEASED' | 'REJECTED';

/** The states a release moves to RELEASED; none is ever entered again once left. */
const RELEASABLE: ReservationStatus[] = ['PENDING', 'RESERVED', 'COMMITTED'];

/** How many closed-hold and restock markers a stock document keeps. */
export const CLOSED_MARKERS = 500;

/** Order ids become field names in `holds`: no dots, no `$`, nothing that could be a path. */
const ORDER_ID = /^[A-Za-z0-9_-]{1,100}$/;

export interface StockDoc {
  _id: string;
  available: number;
  reserved: number;
  /** Running totals (see the top of this file). */
  received: number;
  committed: number;
  restocked: number;
  /** Open reservations only: orderId -> units held. */
  holds?: Record<string, number>;
  /** The latest CLOSED_MARKERS closings: `<orderId>` (hold closed) and `<orderId>:restocked`. */
  closed?: string[];
  updatedAt: Date;
}

interface ReservationDoc {
  _id: string;
  status: ReservationStatus;
  lines: StockLine[];
  /** Set by the commit's transition; a later release restocks instead of returning holds. */
  committed?: boolean;
  /** Skus whose committed units came back (a release after commit). */
  restockedSkus?: string[];
  /** Why a REJECTED reservation was refused: a repeat answers the same. */
  rejection?: { type: BusinessFailureType; message: string; details?: Record<string, unknown> };
  createdAt: Date;
  updatedAt: Date;
}

/**
 * What must hold for one stock document at every moment, whatever ran, crashed or
 * raced: its units are conserved, none is negative, and `reserved` is exactly its
 * open holds. Returns each breach in words; none when the document is whole.
 */
export function stockBreaches(doc: StockDoc): string[] {
  const { available, reserved, received, committed, restocked } = doc;
  const breaches: string[] = [];
  if (received + restocked !== available + reserved + committed) {
    breaches.push(
      `${doc._id}: received ${received} + restocked ${restocked} != available ${available} + reserved ${reserved} + committed ${committed}`,
    );
  }
  for (const [name, value] of Object.entries({ available, reserved, committed, restocked }))
    if (value < 0) breaches.push(`${doc._id}: ${name} is ${value}`);
  if (restocked > committed) breaches.push(`${doc._id}: restocked ${restocked} > committed ${committed}`);
  const held = Object.values(doc.holds ?? {}).reduce((sum, units) => sum + units, 0);
  if (held !== reserved) breaches.push(`${doc._id}: reserved ${reserved} but the open holds add up to ${held}`);
  return breaches;
}

/**
 * One line per sku holding the units of all its lines, sorted, so concurrent reservations touch
 * documents in the same order. Summing per sku is what stock means: two lines of an order that
 * differ in something else (an option, a price) still take units of the same shelf.
 */
export function mergeLines(lines: readonly StockLine[]): StockLine[] {
  const bySku = new Map<string, number>();
  for (const { sku, quantity } of lines) bySku.set(sku, (bySku.get(sku) ?? 0) + quantity);
  return [...bySku.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([sku, quantity]) => ({ sku, quantity }));
}

const restockedMarker = (orderId: string) => `${orderId}:restocked`;
const pushMarker = (marker: string) => ({ closed: { $each: [marker], $slice: -CLOSED_MARKERS } });

type HoldOutcome = { kind: 'held' } | { kind: 'closed' } | { kind: 'refused'; rejection: NonNullable<ReservationDoc['rejection']> };

export class InventoryStore {
  readonly stock: Collection<StockDoc>;
  readonly reservations: Collection<ReservationDoc>;

  constructor(db: Db) {
    this.stock = db.collection<StockDoc>('stock');
    this.reservations = db.collection<ReservationDoc>('reservations');
  }

  async ensureIndexes(): Promise<void> {
    // Stock and reservations are reached by _id only; this one serves operators' queries on real MongoDB.
    await this.reservations.createIndex({ status: 1, updatedAt: 1 });
  }

  async level(sku: string): Promise<StockLevel | undefined> {
    const doc = await this.stock.findOne({ _id: sku }, { projection: { available: 1, reserved: 1 } });
    return doc ? { sku, available: doc.available, reserved: doc.reserved } : undefined;
  }

  /**
   * Sets the sellable units of a sku (an admin's stock count); reserved units stay as they are.
   * The count becomes a delta on `received`, applied by a compare-and-set on the level it was
   * computed from: a reservation or release moving units in between makes it compute again.
   */
  async setAvailable(sku: string, available: number): Promise<StockLevel> {
    for (;;) {
      const doc = await this.stock.findOne({ _id: sku }, { projection: { available: 1 } });
      if (!doc) {
        if (await this.insertStock(sku, available)) break;
        continue; // created meanwhile: count against what it holds
      }
      const counted = await this.stock.updateOne(
        { _id: sku, available: doc.available },
        { $set: { available, updatedAt: new Date() }, $inc: { received: available - doc.available } },
      );
      if (counted.matchedCount === 1) break;
    }
    return (await this.level(sku))!;
  }

  /** Opening stock for a sku that has none yet (demo seed); existing stock is kept. */
  async seed(sku: string, available: number): Promise<void> {
    await this.insertStock(sku, available);
  }

  /** A new stock document holding `available` units, all of them received; false when the sku has one already. */
  private async insertStock(sku: string, available: number): Promise<boolean> {
    return insertIfNew(this.stock, {
      _id: sku,
      available,
      reserved: 0,
      received: available,
      committed: 0,
      restocked: 0,
      updatedAt: new Date(),
    });
  }

  async reservation(orderId: string): Promise<{ orderId: string; status: ReservationStatus; lines: StockLine[] } | undefined> {
    const doc = await this.reservations.findOne({ _id: orderId });
    return doc ? { orderId, status: doc.status, lines: doc.lines } : undefined;
  }

  /**
   * All-or-nothing: either every line is held for the order or none is.
   * A repeat returns the first outcome (the same business failure after a rejection).
   */
  async reserve(orderId: string, lines: StockLine[]): Promise<{ orderId: string; status: 'RESERVED' | 'COMMITTED' | 'RELEASED' }> {
    checkOrderId(orderId);
    const now = new Date();
    let reservation: ReservationDoc = { _id: orderId, status: 'PENDING', lines: mergeLines(lines), createdAt: now, updatedAt: now };
    if (!(await insertIfNew(this.reservations, reservation))) {
      reservation = (await this.reservations.findOne({ _id: orderId }))!;
      // PENDING: another attempt is holding (or died half-way). Joining it is safe: a hold
      // already taken for this order is not taken again, so both end with the same holds.
      if (reservation.status !== 'PENDING') return this.settled(reservation);
    }

    for (const line of reservation.lines) {
      const outcome = await this.hold(orderId, line);
      if (outcome.kind === 'held') continue;
      // 'closed': this order's hold on the sku was closed by a commit or release, so the
      // reservation has already left PENDING/RESERVED; the current state answers.
      if (outcome.kind === 'closed') return this.settled((await this.reservations.findOne({ _id: orderId }))!);
      const rejected = await this.reservations.updateOne(
        { _id: orderId, status: 'PENDING' },
        { $set: { status: 'REJECTED', rejection: outcome.rejection, updatedAt: new Date() } },
      );
      // Lost the race: a duplicate finished first (stock came free for it), or a release came.
      if (rejected.modifiedCount === 0) return this.settled((await this.reservations.findOne({ _id: orderId }))!);
      await this.returnHolds(orderId, reservation.lines);
      throw rejectionError(outcome.rejection);
    }

    const done = await this.reservations.updateOne(
      { _id: orderId, status: 'PENDING' },
      { $set: { status: 'RESERVED', updatedAt: new Date() } },
    );
    if (done.modifiedCount === 1) return { orderId, status: 'RESERVED' };
    // RESERVED or COMMITTED by a duplicate holding the very same holds; RELEASED or REJECTED
    // while we were holding: settled() gives back whatever this attempt took after the others cleaned up.
    return this.settled((await this.reservations.findOne({ _id: orderId }))!);
  }

  /** Answers a reserve for a reservation that has left PENDING, first undoing holds that a closed reservation must not keep. */
  private async settled(doc: ReservationDoc): Promise<{ orderId: string; status: 'RESERVED' | 'COMMITTED' | 'RELEASED' }> {
    // Every caller saw it leave PENDING (markers are pushed only after the transition); should that
    // ever not hold, a plain error lets the activity retry rather than answer wrongly.
    if (doc.status === 'PENDING') throw new Error(`reservation ${doc._id} is still PENDING`);
    if ((doc.status === 'RELEASED' && !doc.committed) || doc.status === 'REJECTED') {
      // A stale attempt can still have held a line after the release or rejection
      // returned that line (no marker stopped it: nothing was held there yet).
      await this.returnHolds(doc._id, doc.lines);
    }
    if (doc.status === 'REJECTED') throw rejectionError(doc.rejection!);
    return { orderId: doc._id, status: doc.status };
  }

  /** Holds one line for the order, idempotently; refuses when the stock is short or unknown. */
  private async hold(orderId: string, line: StockLine): Promise<HoldOutcome> {
    for (let attempt = 0; ; attempt++) {
      const held = await this.stock.updateOne(
        { _id: line.sku, available: { $gte: line.quantity }, [`holds.${orderId}`]: { $exists: false }, closed: { $ne: orderId } },
        {
          $inc: { available: -line.quantity, reserved: line.quantity },
          $set: { [`holds.${orderId}`]: line.quantity, updatedAt: new Date() },
        },
      );
      if (held.modifiedCount === 1) return { kind: 'held' };
      const doc = await this.stock.findOne({ _id: line.sku });
      if (!doc)
        return {
          kind: 'refused',
          rejection: { type: 'UnknownProduct', message: `no stock record for ${line.sku}`, details: { sku: line.sku } },
        };
      if (doc.holds?.[orderId] !== undefined) return { kind: 'held' }; // a duplicate of this reserve held it
      if (doc.closed?.includes(orderId)) return { kind: 'closed' };
      // The stock was short when we tried; units freed since then deserve one more try.
      if (doc.available >= line.quantity && attempt < 3) continue;
      return {
        kind: 'refused',
        rejection: {
          type: 'OutOfStock',
          message: `only ${doc.available} of ${line.sku} available, ${line.quantity} requested`,
          details: { sku: line.sku, available: doc.available },
        },
      };
    }
  }

  /** The reserved units leave the warehouse. Fails InvalidState for a released or unknown reservation. */
  async commit(orderId: string): Promise<{ committed: boolean }> {
    checkOrderId(orderId);
    // From RESERVED, or again from COMMITTED: a repeat (or a retry of a commit that stopped
    // half-way) closes whatever holds are still open. Release takes RESERVED only if this did not.
    const before = await this.reservations.findOneAndUpdate(
      { _id: orderId, status: { $in: ['RESERVED', 'COMMITTED'] } },
      { $set: { status: 'COMMITTED', committed: true, updatedAt: new Date() } },
      { returnDocument: 'before' },
    );
    if (!before) throw new DomainError('InvalidState', `order ${orderId} has no reservation to commit`);
    for (const line of before.lines) await this.closeHold(orderId, line, 'commit');
    return { committed: true };
  }

  /**
   * Gives the order's units back: held units return to available, committed ones
   * are restocked once. A no-op without a reservation; a repeat answers the same.
   */
  async release(orderId: string): Promise<{ released: boolean }> {
    checkOrderId(orderId);
    const before = await this.reservations.findOneAndUpdate(
      { _id: orderId, status: { $in: RELEASABLE } },
      { $set: { status: 'RELEASED', updatedAt: new Date() } },
      { returnDocument: 'before' },
    );
    const doc = before ?? (await this.reservations.findOne({ _id: orderId }));
    // Not there for the transition, there now: a first reserve created it in between. It must be
    // released like any other (a reserve still running then finds it RELEASED), never just emptied.
    if (!before && doc && RELEASABLE.includes(doc.status)) return this.release(orderId);
    if (!doc) {
      // A tombstone, so a reserve attempt still in flight finds RELEASED and holds nothing.
      const now = new Date();
      await insertIfNew(this.reservations, { _id: orderId, status: 'RELEASED', lines: [], createdAt: now, updatedAt: now });
      return this.release(orderId);
    }
    if (doc.status === 'REJECTED') {
      await this.returnHolds(orderId, doc.lines); // what a rejecting attempt that died left held
      return { released: false };
    }
    // Also when an earlier call released it: every duplicate finishes what an interrupted
    // one left, and every step below is a no-op where it already happened.
    if (doc.committed) await this.restock(orderId, doc);
    else await this.returnHolds(orderId, doc.lines);
    return { released: doc.lines.length > 0 };
  }

  private async returnHolds(orderId: string, lines: StockLine[]): Promise<void> {
    for (const line of lines) await this.closeHold(orderId, line, 'release');
  }

  /**
   * Closes the order's open hold on one sku, once: on commit the units leave
   * (counted as committed), on release they become available again. Matching the held
   * quantity keeps a commit and a release of the same hold from both applying.
   */
  private async closeHold(orderId: string, line: StockLine, how: 'commit' | 'release'): Promise<void> {
    const update: UpdateFilter<StockDoc> = {
      $inc:
        how === 'commit' ? { reserved: -line.quantity, committed: line.quantity } : { available: line.quantity, reserved: -line.quantity },
      $unset: { [`holds.${orderId}`]: '' },
      $push: pushMarker(orderId),
      $set: { updatedAt: new Date() },
    };
    await this.stock.updateOne({ _id: line.sku, [`holds.${orderId}`]: line.quantity }, update);
  }

  /**
   * A committed order's units come back once per sku. A hold still open (the commit
   * stopped half-way, or is still running) is first closed as committed, exactly as
   * the commit would have: whichever of the two closes it, the units then count once
   * as gone, and the restock below brings them back once.
   */
  private async restock(orderId: string, doc: ReservationDoc): Promise<void> {
    for (const line of doc.lines) {
      if (doc.restockedSkus?.includes(line.sku)) continue;
      await this.closeHold(orderId, line, 'commit');
      await this.stock.updateOne(
        { _id: line.sku, [`holds.${orderId}`]: { $exists: false }, closed: { $ne: restockedMarker(orderId) } },
        {
          $inc: { available: line.quantity, restocked: line.quantity },
          $push: pushMarker(restockedMarker(orderId)),
          $set: { updatedAt: new Date() },
        },
      );
      // Recorded after the stock: a retry past the marker window still skips this sku.
      await this.reservations.updateOne({ _id: orderId }, { $addToSet: { restockedSkus: line.sku } });
    }
  }
}

function checkOrderId(orderId: string): void {
  if (!ORDER_ID.test(orderId))
    throw new DomainError('InvalidInput', `an order id is 1-100 of A-Z a-z 0-9 _ -, not ${JSON.stringify(orderId)}`);
}

function rejectionError(rejection: NonNullable<ReservationDoc['rejection']>): DomainError {
  return new DomainError(rejection.type, rejection.message, rejection.details);
}
