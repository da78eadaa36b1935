// Shipments: one per order (unique index on orderId) with a tracking number,
// and carrier events recorded once each, moving the status only forwards.
import { randomBytes } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { BusinessError } from '../../shared/activity-failure.js';
import type { CarrierEventType } from '../../shared/domain/vocabulary.js';
import type { OrderLine, ShippingAddress } from '../../shared/domain/order.js';
import { isDuplicateKeyError } from '../../shared/mongo.js';
import { MongoLocks } from '../../shared/mongo-lock.js';

type ShipmentStatus = 'LABEL_CREATED' | 'PICKED_UP' | 'DELIVERED';

interface ShipmentDoc {
  _id: string;
  orderId: string;
  customerId: string;
  trackingNumber: string;
  address: ShippingAddress;
  lines: OrderLine[];
  status: ShipmentStatus;
  events: Array<{ type: CarrierEventType; at: string; recordedAt: Date }>;
  createdAt: Date;
}

const RANK: Record<ShipmentStatus, number> = { LABEL_CREATED: 0, PICKED_UP: 1, DELIVERED: 2 };

const view = (d: ShipmentDoc) => ({
  shipmentId: d._id, orderId: d.orderId, customerId: d.customerId, trackingNumber: d.trackingNumber, status: d.status,
  events: d.events.map(({ type, at }) => ({ type, at })), createdAt: d.createdAt.toISOString(),
});
export type ShipmentView = ReturnType<typeof view>;

export class ShippingStore {
  readonly shipments: Collection<ShipmentDoc>;

  private readonly locks: MongoLocks;

  constructor(db: Db) {
    this.shipments = db.collection<ShipmentDoc>('shipments');
    this.locks = new MongoLocks(db);
  }

  async ensureIndexes(): Promise<void> {
    await this.shipments.createIndex({ orderId: 1 }, { unique: true });
  }

  /** One shipment per order: a repeat returns the existing one. */
  async create(input: { orderId: string; customerId: string; address: ShippingAddress; lines: OrderLine[] }): Promise<{ shipmentId: string; trackingNumber: string }> {
    const doc: ShipmentDoc = {
      _id: `shp_${randomBytes(8).toString('hex')}`,
      ...input,
      trackingNumber: `SGS${randomBytes(5).toString('hex').toUpperCase()}`,
      status: 'LABEL_CREATED',
      events: [],
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
    // A read-modify-write under a lock: FerretDB 1.24 matches `'events.type': {$ne: type}` when any
    // element differs (so a repeated DELIVERED was pushed again) and does not isolate concurrent
    // conditional updates of one document (see shared/mongo-lock.ts).
    return this.locks.withLock(`shipment:${shipmentId}`, async () => {
      const doc = await this.shipments.findOne({ _id: shipmentId });
      if (!doc) throw new BusinessError('NotFound', `no shipment ${shipmentId}`);
      if (doc.events.some((e) => e.type === type)) return { recorded: false };
      const status: ShipmentStatus = RANK[type] > RANK[doc.status] ? type : doc.status;
      await this.shipments.updateOne({ _id: shipmentId }, { $push: { events: { type, at, recordedAt: new Date() } }, $set: { status } });
      return { recorded: true };
    });
  }

  async get(shipmentId: string): Promise<ShipmentView | undefined> {
    const doc = await this.shipments.findOne({ _id: shipmentId });
    return doc ? view(doc) : undefined;
  }

  async byOrder(orderId: string): Promise<ShipmentView[]> {
    return (await this.shipments.find({ orderId }).toArray()).map(view);
  }
}
