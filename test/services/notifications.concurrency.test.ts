// Notifications under concurrent sends of one key, on the real Mongo-protocol
// server: the transport sees the message once; a claim left by a dead sender is
// taken over only once it is older than the bound.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationsStore } from '../../services/notifications/store.js';
import type { OutgoingMessage, Transport } from '../../services/notifications/transport.js';
import { testDb, type TestDb } from '../support/stack.js';

/** Counts sends; `hang` makes the next send never finish, like a sender that died mid-send. */
class CountingTransport implements Transport {
  readonly name = 'counting';
  readonly sent: OutgoingMessage[] = [];
  hang = false;
  async send(message: OutgoingMessage): Promise<{ transportId: string }> {
    if (this.hang) {
      this.hang = false;
      return new Promise(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.sent.push(message);
    return { transportId: `t-${this.sent.length}` };
  }
}

let mongo: TestDb;
beforeAll(async () => {
  mongo = await testDb('notifications_conc');
});
afterAll(async () => {
  await mongo.close();
});

const request = (key: string) => ({
  key,
  userId: 'u1',
  template: 'order_confirmed' as const,
  data: { orderId: 'o-1', totalCents: 100, currency: 'EUR' },
});

describe('notification sends of one key, 50 at once', () => {
  it('the transport is called once, every call answers the same id, one document', async () => {
    const transport = new CountingTransport();
    const store = new NotificationsStore(mongo.db, transport);
    await store.ensureIndexes();
    const results = await Promise.all(Array.from({ length: 50 }, () => store.send(request('k-1'))));
    expect(results).toEqual(Array(50).fill({ notificationId: 'k-1' }));
    expect(transport.sent.map((m) => m.id)).toEqual(['k-1']);
    expect(await store.notifications.countDocuments({ _id: 'k-1' })).toBe(1);
    expect(await store.notifications.findOne({ _id: 'k-1' })).toMatchObject({ status: 'SENT', transportId: 't-1', sendAttempts: 1 });
    expect(await store.notifications.findOne({ _id: 'k-1' })).not.toHaveProperty('claim');
    // and later repeats send nothing either
    await store.send(request('k-1'));
    expect(transport.sent).toHaveLength(1);
  });

  it('a fresh claim of a sender that died is left alone and no retry answers sent; once older than the bound, a retry takes it over and sends once', async () => {
    const transport = new CountingTransport();
    const store = new NotificationsStore(mongo.db, transport, 2_000);
    transport.hang = true;
    void store.send(request('k-dead')); // the sender that dies after claiming
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await store.notifications.findOne({ _id: 'k-dead' })).toMatchObject({ status: 'SENDING' });
    // retries while the claim is fresh: each waits a moment, then fails retryably (never "sent"), nothing sent
    const fresh = await Promise.allSettled(Array.from({ length: 50 }, () => store.send(request('k-dead'))));
    for (const outcome of fresh) {
      expect(outcome.status).toBe('rejected');
      expect(String((outcome as PromiseRejectedResult).reason)).toMatch(/being sent by another attempt/);
    }
    expect(transport.sent).toHaveLength(0);
    expect(await store.notifications.findOne({ _id: 'k-dead' })).toMatchObject({ status: 'SENDING' });
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    // 50 retries after the bound: one takes the claim over and sends
    expect(await Promise.all(Array.from({ length: 50 }, () => store.send(request('k-dead'))))).toEqual(
      Array(50).fill({ notificationId: 'k-dead' }),
    );
    expect(transport.sent.map((m) => m.id)).toEqual(['k-dead']);
    // the dead sender may have sent it too: two attempts may have reached the transport, and the audit says so
    expect(await store.notifications.findOne({ _id: 'k-dead' })).toMatchObject({ status: 'SENT', sendAttempts: 2 });
  });
});
