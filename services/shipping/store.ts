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
import type { OrderLine, ShippingAddress } from '../../shared/domain/order.js';
import { isDuplicateKeyError } from '../../shared/mongo.js';

type ShipmentStatus = 'LABEL_CREATED' | 'PICKED_UP' | 'DELIVERED';

interface ShipmentDoc {
  _id: string;
  orderId: string;
  customerId: string;
  trackingNumber: string;
  address: ShippingAddress;
  lines: OrderLine[];
  status: ShipmentStatus;
  /** RANK of the status; the guard that keeps it from moving backwards. */
  rank: number;
  events: Array<{ type: CarrierEventType; at: string; recordedAt: Date }>;
  /** The email (lower case) of the carrier account the parcel is handed to; absent: no carrier account, only admins report. */
  carrier?: string;
  createdAt: Date;
}

const RANK: Record<ShipmentStatus, number> = { LABEL_CREATED: 0, PICKED_UP: 1, DELIVERED: 2 };

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

  /** One shipment per order: a repeat returns the existing one. */
  async create(input: {
    orderId: string;
    customerId: string;
    address: ShippingAddress;
    lines: OrderLine[];
  }): Promise<{ shipmentId: string; trackingNumber: string }> {
    const doc: ShipmentDoc = {
      _id: `shp_${randomBytes(8).toString('hex')}`,
      ...input,
      trackingNumber: `SGS${randomBytes(5).toString('hex').toUpperCase()}`,
      status: 'LABEL_CREATED',
      rank: RANK.LABEL_CREATED,
      events: [],
      ...(this.carrier ? { carrier: this.carrier } : {}),
      createdAt: new Date(),
    };
    try {
      await this.shipments.insertOne(doc);
      return { shipmentId: doc._id, trackingNumber: doc.trackingNumber };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = (await this.shipments.findOne({ orderId: input.orderId }))!;
      return { shipmentId: existing._id, trackingNumber: existing.trackingNumber };
    }
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
