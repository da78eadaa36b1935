// Notifications: one document per idempotency key (its _id), which is also the
// outbox entry; sent through the transport once (PENDING -> SENT guarded by a
// conditional update); listed per user, newest first, with read state.
import type { Collection, Db, Filter } from 'mongodb';
import type { NotificationChannel, NotificationTemplate } from '../../shared/domain/vocabulary.js';
import { isDuplicateKeyError } from '../../shared/mongo.js';
import { MongoLocks } from '../../shared/mongo-lock.js';
import { render } from './templates.js';
import type { Transport } from './transport.js';
import type { SendNotificationInput } from '../../activities/notifications.js';

interface NotificationDoc {
  _id: string;
  userId: string;
  template: NotificationTemplate;
  channel: NotificationChannel;
  /** The address given by the workflow; null lets the transport decide (the outbox keeps it for a relay). */
  to: string | null;
  subject: string;
  body: string;
  data: Record<string, string | number | boolean | null>;
  status: 'PENDING' | 'SENT';
  transportId?: string;
  createdAt: Date;
  readAt: Date | null;
}

/** What the sendNotification activity asks for: one contract, defined with the activity. */
export type SendRequest = SendNotificationInput;

const view = (d: NotificationDoc) => ({
  id: d._id, userId: d.userId, channel: d.channel, template: d.template, subject: d.subject, body: d.body, status: d.status,
  createdAt: d.createdAt.toISOString(), readAt: d.readAt ? d.readAt.toISOString() : null,
});
export type NotificationView = ReturnType<typeof view>;

export class NotificationsStore {
  readonly notifications: Collection<NotificationDoc>;

  private readonly locks: MongoLocks;

  constructor(db: Db, private readonly transport: Transport) {
    this.notifications = db.collection<NotificationDoc>('notifications');
    this.locks = new MongoLocks(db);
  }

  async ensureIndexes(): Promise<void> {
    await this.notifications.createIndex({ userId: 1, createdAt: -1, _id: -1 });
  }

  async send(request: SendRequest): Promise<{ notificationId: string }> {
    const data = request.data ?? {};
    const { subject, body } = render(request.template, data);
    const doc: NotificationDoc = {
      _id: request.key, userId: request.userId, template: request.template, channel: request.channel ?? 'email',
      to: request.to ?? null, subject, body, data, status: 'PENDING', createdAt: new Date(), readAt: null,
    };
    await this.notifications.insertOne(doc).catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error; // the same key again: the first message stands
    });
    // A duplicate send waits for the first and then finds it SENT: the transport sees each message once.
    return this.locks.withLock(`notification:${request.key}`, async () => {
      const stored = (await this.notifications.findOne({ _id: request.key }))!;
      if (stored.status === 'PENDING') {
        const { transportId } = await this.transport.send({ id: stored._id, channel: stored.channel, ...(stored.to ? { to: stored.to } : {}), subject: stored.subject, body: stored.body });
        await this.notifications.updateOne({ _id: stored._id, status: 'PENDING' }, { $set: { status: 'SENT', transportId } });
      }
      return { notificationId: stored._id };
    });
  }

  async list(userId: string, unreadOnly: boolean, limit: number, after?: { createdAt: string; id: string }) {
    const filter: Filter<NotificationDoc> = { userId };
    if (unreadOnly) filter.readAt = null;
    if (after) {
      const at = new Date(after.createdAt);
      Object.assign(filter, { $or: [{ createdAt: { $lt: at } }, { createdAt: at, _id: { $lt: after.id } }] });
    }
    const docs = await this.notifications.find(filter).sort({ createdAt: -1, _id: -1 }).limit(limit + 1).toArray();
    const items = docs.slice(0, limit).map(view);
    const last = items[items.length - 1];
    return { items, ...(docs.length > limit && last ? { next: { createdAt: last.createdAt, id: last.id } } : {}) };
  }

  async get(id: string): Promise<NotificationView | undefined> {
    const doc = await this.notifications.findOne({ _id: id });
    return doc ? view(doc) : undefined;
  }

  async markRead(id: string): Promise<NotificationView | undefined> {
    await this.notifications.updateOne({ _id: id, readAt: null }, { $set: { readAt: new Date() } });
    return this.get(id);
  }

  async unreadCount(userId: string): Promise<number> {
    return this.notifications.countDocuments({ userId, readAt: null });
  }
}
