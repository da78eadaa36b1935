// Shipments: one per order (unique index on orderId) with a tracking number,
// and carrier events recorded once each, moving the status only forwards. Both
// are single-document conditional updates: an event is pushed only while no
// event of its type is there, and the status moves only to a higher `rank`, so
// duplicated, retried and out-of-order carrier events need no lock. Each
// shipment is assigned to the carrier account that collects it (by email, from
// SHIPMENT_CARRIER_EMAIL); only that carrier may report its events (the gateway checks).
import { randomBytes } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { DomainError } from '../../shared/domain/errors.js';
import type { CarrierEventType } from '../../shared/domain/vocabulary.js';
import type { ShippingAddress } from '../../shared/domain/order.js';
import type { StockLine } from '../../shared/domain/stock.js';
import { insertIfNew } from '../../shared/mongo.js';

type ShipmentStatus = 'LABEL_CREATED' | 'PICKED_UP' | 'DELIVERED' | 'CANCELLED';

interface ShipmentDoc {
  _id: string;
  orderId: string;
  customerId: string;
  trackingNumber: string;
  address: ShippingAddress;
  lines: StockLine[];
  status: ShipmentStatus;
  /** RANK of the status; the guard that keeps it from moving backwards. */
  rank: number;
  events: Array<{ type: CarrierEventType; at: string; recordedAt: Date }>;
  /** The email (lower case) of the carrier account the parcel is handed to; absent: no carrier account, only admins report. */
  carrier?: string;
  createdAt: Date;
}

// CANCELLED ranks above everything: no carrier event moves a cancelled shipment on.
const RANK: Record<ShipmentStatus, number> = { LABEL_CREATED: 0, PICKED_UP: 1, DELIVERED: 2, CANCELLED: 3 };

const view = (d: ShipmentDoc) => ({
  shipmentId: d._id,
  orderId: d.orderId,
  customerId: d.customerId,
  trackingNumber: d.trackingNumber,
  status: d.status,
  events: d.events.map(({ type, at }) => ({ type, at })),
  carrier: d.carrier ?? null,
  createdAt: d.createdAt.toISOString(),
});
export type ShipmentView = ReturnType<typeof view>;

export interface ShipmentInput {
  orderId: string;
  customerId: string;
  address: ShippingAddress;
  lines: StockLine[];
}

export class ShippingStore {
  readonly shipments: Collection<ShipmentDoc>;

  private readonly carrier: string | undefined;

  /** `carrier`: the email of the carrier account new shipments are assigned to. */
  constructor(db: Db, carrier?: string) {
    this.shipments = db.collection<ShipmentDoc>('shipments');
    this.carrier = carrier?.toLowerCase();
  }

  async ensureIndexes(): Promise<void> {
    await this.shipments.createIndex({ orderId: 1 }, { unique: true });
  }

  /** A new shipment document, handed to the carrier account (when there is one). */
  private newShipment(input: ShipmentInput, status: ShipmentStatus): ShipmentDoc {
    return {
      _id: `shp_${randomBytes(8).toString('hex')}`,
      ...input,
      trackingNumber: `SGS${randomBytes(5).toString('hex').toUpperCase()}`,
      status,
      rank: RANK[status],
      events: [],
      ...(this.carrier ? { carrier: this.carrier } : {}),
      createdAt: new Date(),
    };
  }

  /** One shipment per order: a repeat returns the existing one. */
  async create(input: ShipmentInput): Promise<{ shipmentId: string; trackingNumber: string }> {
    const doc = this.newShipment(input, 'LABEL_CREATED');
    const shipment = (await insertIfNew(this.shipments, doc)) ? doc : (await this.shipments.findOne({ orderId: input.orderId }))!;
    return { shipmentId: shipment._id, trackingNumber: shipment.trackingNumber };
  }

  /**
   * The order was cancelled before pickup: its shipment is CANCELLED (the label voided). A
   * shipment not created yet is created cancelled, so a creation still in flight finds it
   * so. Idempotent; a shipment the carrier already has stays as it is (`cancelled: false`).
   */
  async cancel(input: ShipmentInput): Promise<{ cancelled: boolean }> {
    const { modifiedCount } = await this.shipments.updateOne(
      { orderId: input.orderId, status: 'LABEL_CREATED' },
      { $set: { status: 'CANCELLED', rank: RANK.CANCELLED } },
    );
    if (modifiedCount === 1) return { cancelled: true };
    const existing = await this.shipments.findOne({ orderId: input.orderId }, { projection: { status: 1 } });
    if (existing) return { cancelled: existing.status === 'CANCELLED' };
    if (await insertIfNew(this.shipments, this.newShipment(input, 'CANCELLED'))) return { cancelled: true };
    return this.cancel(input); // created meanwhile: cancel that one
  }

  /** Records the event once per (shipment, type); the status never moves backwards. */
  async recordEvent(shipmentId: string, type: CarrierEventType, at: string): Promise<{ recorded: boolean }> {
    const pushed = await this.shipments.updateOne(
      { _id: shipmentId, 'events.type': { $ne: type } },
      { $push: { events: { type, at, recordedAt: new Date() } } },
    );
    if (pushed.matchedCount === 0 && !(await this.shipments.findOne({ _id: shipmentId }, { projection: { _id: 1 } }))) {
      throw new DomainError('NotFound', `no shipment ${shipmentId}`);
    }
    // Also for a repeat: the attempt that pushed the event may have stopped before this step.
    await this.shipments.updateOne({ _id: shipmentId, rank: { $lt: RANK[type] } }, { $set: { status: type, rank: RANK[type] } });
    return { recorded: pushed.modifiedCount === 1 };
  }

  async get(shipmentId: string): Promise<ShipmentView | undefined> {
    const doc = await this.shipments.findOne({ _id: shipmentId });
    return doc ? view(doc) : undefined;
  }

  async byOrder(orderId: string): Promise<ShipmentView[]> {
    return (await this.shipments.find({ orderId }).toArray()).map(view);
  }
}
