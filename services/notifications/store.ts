// Notifications: one document per idempotency key (its _id), which is also the
// outbox entry; listed per user, newest first, with read state. Sending is
// claimed by a conditional transition, PENDING -> SENDING -> SENT, so of any
// number of concurrent sends of one key exactly one reaches the transport. The
// send that creates the message inserts it already SENDING under its own claim
// (the unique _id makes it the only creator), one write fewer per message than
// inserting it PENDING and claiming it after.
//
// A send that finds a fresh SENDING claim waits a moment for the claimant's
// outcome and answers with the id once it is SENT; if the claim is still held it
// fails retryably, and never answers "sent" for a message that is not. (It once
// answered at once: a power cut killed a claimant mid-send, the retry within the
// claim's lifetime succeeded, and the order's confirmation stayed SENDING for
// good.) Should the claimant die mid-send, its claim keeps the message from going
// out until it is older than CLAIM_TIMEOUT_MS; a retry after that takes the claim
// over and sends, and the transport may then see the message twice (the claimant
// may have sent it just before dying). So delivery is at most once while claims
// are fresh and at least once across a crash, for a bounded delay; a transport
// that dedupes by message id (SMTP's Message-ID, the outbox's id) absorbs the rare
// duplicate. A transport that fails hands the claim back (PENDING), so a retry
// sends at once.
import type { Collection, Db, Filter } from 'mongodb';
import { randomUUID } from 'node:crypto';
import type { NotificationChannel, NotificationTemplate } from '../../shared/domain/vocabulary.js';
import { insertIfNew } from '../../shared/mongo.js';
import { render } from './templates.js';
import type { Transport } from './transport.js';
import type { SendNotificationInput } from './temporal/catalogue.js';

export interface NotificationDoc {
  _id: string;
  userId: string;
  template: NotificationTemplate;
  channel: NotificationChannel;
  /** The address given by the workflow; null lets the transport decide (the outbox keeps it for a relay). */
  to: string | null;
  subject: string;
  body: string;
  data: Record<string, string | number | boolean | null>;
  status: 'PENDING' | 'SENDING' | 'SENT';
  /** The attempt sending it now, and since when (status SENDING). */
  claim?: { id: string; at: Date };
  /**
   * Claims that may have reached the transport: +1 with each claim, -1 when the transport
   * refused and the claim was handed back. More than 1 on a SENT message means it may have
   * gone out that many times (a claimant died mid-send and was taken over); the audit says so.
   */
  sendAttempts?: number;
  transportId?: string;
  createdAt: Date;
  readAt: Date | null;
}

/** What the sendNotification activity asks for: one contract, defined with the activity. */
export type SendRequest = SendNotificationInput;

/** After this long a SENDING claim is taken to be a dead attempt's, and a retry sends. */
export const CLAIM_TIMEOUT_MS = 30_000;
/** How long a send waits for another attempt's fresh claim to end before it fails retryably. */
const MAX_WAIT_FOR_CLAIMANT_MS = 5_000;

const view = (d: NotificationDoc) => ({
  id: d._id,
  userId: d.userId,
  channel: d.channel,
  template: d.template,
  subject: d.subject,
  body: d.body,
  status: d.status,
  createdAt: d.createdAt.toISOString(),
  readAt: d.readAt ? d.readAt.toISOString() : null,
});
export type NotificationView = ReturnType<typeof view>;

export class NotificationsStore {
  readonly notifications: Collection<NotificationDoc>;

  constructor(
    db: Db,
    private readonly transport: Transport,
    private readonly claimTimeoutMs = CLAIM_TIMEOUT_MS,
  ) {
    this.notifications = db.collection<NotificationDoc>('notifications');
  }

  async ensureIndexes(): Promise<void> {
    await this.notifications.createIndex({ userId: 1, createdAt: -1, _id: -1 });
  }

  async send(request: SendRequest): Promise<{ notificationId: string }> {
    const data = request.data ?? {};
    const { subject, body } = render(request.template, data);
    const claim = { id: randomUUID(), at: new Date() };
    const doc: NotificationDoc = {
      _id: request.key,
      userId: request.userId,
      template: request.template,
      channel: request.channel ?? 'email',
      to: request.to ?? null,
      subject,
      body,
      data,
      status: 'SENDING',
      claim,
      sendAttempts: 1,
      createdAt: claim.at,
      readAt: null,
    };
    if (await insertIfNew(this.notifications, doc)) return this.deliver(doc, claim);
    // The same key again: the first message stands. A fresh claim of another attempt (its
    // creator's, or a retry's): wait (a little) for its outcome instead of assuming it.
    const waitUntil = Date.now() + Math.min(MAX_WAIT_FOR_CLAIMANT_MS, this.claimTimeoutMs / 2);
    for (let pause = 20; ; pause = Math.min(pause * 2, 500)) {
      const sent = await this.claimAndSend(request.key);
      if (sent) return sent;
      if (Date.now() >= waitUntil)
        throw new Error(`notification ${request.key} is being sent by another attempt; retry once it is sent or its claim has expired`);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /** The id once the message is SENT (by this call or an earlier one); undefined while another attempt's fresh claim holds it. */
  private async claimAndSend(key: string): Promise<{ notificationId: string } | undefined> {
    const claim = { id: randomUUID(), at: new Date() };
    const claimed = await this.notifications.findOneAndUpdate(
      {
        _id: key,
        $or: [{ status: 'PENDING' }, { status: 'SENDING', 'claim.at': { $lt: new Date(claim.at.getTime() - this.claimTimeoutMs) } }],
      },
      { $set: { status: 'SENDING', claim }, $inc: { sendAttempts: 1 } },
      { returnDocument: 'before' },
    );
    if (!claimed) {
      // Not claimed: SENT, or another attempt holds a fresh claim and is sending this same message.
      const current = await this.notifications.findOne({ _id: key }, { projection: { status: 1 } });
      return current?.status === 'SENT' ? { notificationId: key } : undefined;
    }
    return this.deliver(claimed, claim);
  }

  /** Hands a message this attempt holds the claim of to the transport, then records the outcome under that claim. */
  private async deliver(claimed: NotificationDoc, claim: { id: string }): Promise<{ notificationId: string }> {
    let transportId: string;
    try {
      ({ transportId } = await this.transport.send({
        id: claimed._id,
        channel: claimed.channel,
        ...(claimed.to ? { to: claimed.to } : {}),
        subject: claimed.subject,
        body: claimed.body,
      }));
    } catch (error) {
      await this.notifications.updateOne(
        { _id: claimed._id, status: 'SENDING', 'claim.id': claim.id },
        { $set: { status: 'PENDING' }, $unset: { claim: '' }, $inc: { sendAttempts: -1 } },
      );
      throw error;
    }
    // Guarded by our claim: a claimant that was taken over (it was too slow) does not overwrite the new one's outcome.
    await this.notifications.updateOne(
      { _id: claimed._id, status: 'SENDING', 'claim.id': claim.id },
      { $set: { status: 'SENT', transportId }, $unset: { claim: '' } },
    );
    return { notificationId: claimed._id };
  }

  async list(userId: string, unreadOnly: boolean, limit: number, after?: { createdAt: string; id: string }) {
    const filter: Filter<NotificationDoc> = { userId };
    if (unreadOnly) filter.readAt = null;
    if (after) {
      const at = new Date(after.createdAt);
      Object.assign(filter, { $or: [{ createdAt: { $lt: at } }, { createdAt: at, _id: { $lt: after.id } }] });
    }
    const docs = await this.notifications
      .find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit + 1)
      .toArray();
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
