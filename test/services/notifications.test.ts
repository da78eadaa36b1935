// Notifications on the real Mongo-protocol server: one message per key, sent
// through the transport once; the templates; a user's inbox with paging, unread
// filter and read marks; the SMTP transport against a tiny local SMTP server.
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createNotificationsActivities } from '../../services/notifications/activities.js';
import { NOTIFICATION_TEMPLATES } from '../../shared/domain/vocabulary.js';
import { createNotificationsApp } from '../../services/notifications/app.js';
import { NotificationsStore } from '../../services/notifications/store.js';
import { render } from '../../services/notifications/templates.js';
import { OutboxTransport, SmtpTransport, type OutgoingMessage, type Transport } from '../../services/notifications/transport.js';
import { ErrorsBody, ItemsBody, PathsBody, bodyAs } from '../support/bodies.js';
import { call } from '../support/http.js';
import { anyString, arrayContaining, objectContaining } from '../support/matchers.js';
import { admin, appOptions, customer, expectBusinessFailure, expectProblem, withAnyInput } from '../support/service.js';
import { testDb, type TestDb } from '../support/stack.js';

/** Records what it sends; can be told to fail, as an unreachable mail server would. */
class RecordingTransport implements Transport {
  readonly name = 'recording';
  readonly sent: OutgoingMessage[] = [];
  failing = false;
  async send(message: OutgoingMessage): Promise<{ transportId: string }> {
    await new Promise((resolve) => setTimeout(resolve, 5)); // widens the window for duplicate sends
    if (this.failing) throw new Error('transport down');
    this.sent.push(message);
    return { transportId: `rec-${this.sent.length}` };
  }
}

let mongo: TestDb;
let store: NotificationsStore;
let transport: RecordingTransport;
let app: ReturnType<typeof createNotificationsApp>;
const activities = () => createNotificationsActivities(store);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// vitest types its matchers `any`; this one is not among test/support/matchers.ts's.
const anyDate: unknown = expect.any(Date);

/** A page of the inbox: the ids on it and the cursor of the next one. */
const InboxPage = z.object({ items: z.array(z.object({ id: z.string() })), nextCursor: z.string().nullable() });
const idsOn = (res: { body: unknown }) => bodyAs(res, InboxPage).items.map((n) => n.id);
/** A notification marked read. */
const ReadBody = z.object({ readAt: z.unknown() });

beforeAll(async () => {
  mongo = await testDb('notifications');
  transport = new RecordingTransport();
  store = new NotificationsStore(mongo.db, transport);
  await store.ensureIndexes();
  app = createNotificationsApp({ store, appOptions: appOptions('notifications', mongo.db) });
});
afterAll(async () => {
  await mongo.close();
});

describe('templates', () => {
  it('renders a subject and body for every template', () => {
    for (const template of NOTIFICATION_TEMPLATES) {
      const { subject, body } = render(template, {
        orderId: 'ord-1',
        totalCents: 4999,
        currency: 'EUR',
        trackingNumber: 'SGS123',
        name: 'Ann',
        reason: 'OUT_OF_STOCK',
        alert: 'late',
      });
      expect(subject.length, template).toBeGreaterThan(0);
      expect(body.length, template).toBeGreaterThan(0);
      expect(`${subject} ${body}`, template).not.toContain('undefined');
      const bare = render(template, {});
      expect(`${bare.subject} ${bare.body}`, template).not.toMatch(/undefined|null/);
    }
    expect(render('order_confirmed', { orderId: 'ord-1', totalCents: 1234, currency: 'EUR' })).toEqual({
      subject: 'Order ord-1 confirmed',
      body: 'Thank you! Your order ord-1 (12.34 EUR) is confirmed.',
    });
    expect(render('order_shipped', { orderId: 'ord-1', trackingNumber: 'SGS0123456789' }).body).toContain('SGS0123456789');
  });
});

describe('sendNotification activity', () => {
  it('stores one document with _id = key and sends it once', async () => {
    const input = {
      key: 'ord-1:order_confirmed',
      userId: 'u1',
      template: 'order_confirmed' as const,
      to: 'u1@example.com',
      data: { orderId: 'ord-1', totalCents: 1234, currency: 'EUR' },
    };
    const sentBefore = transport.sent.length;
    expect(await activities().sendNotification(input)).toEqual({ notificationId: 'ord-1:order_confirmed' });
    expect(await activities().sendNotification(input)).toEqual({ notificationId: 'ord-1:order_confirmed' });
    expect(await store.notifications.countDocuments({ _id: input.key })).toBe(1);
    expect(await store.notifications.findOne({ _id: input.key })).toEqual({
      _id: input.key,
      userId: 'u1',
      template: 'order_confirmed',
      channel: 'email',
      to: 'u1@example.com',
      subject: 'Order ord-1 confirmed',
      body: 'Thank you! Your order ord-1 (12.34 EUR) is confirmed.',
      data: input.data,
      status: 'SENT',
      transportId: anyString(),
      sendAttempts: 1,
      createdAt: anyDate,
      readAt: null,
    });
    expect(transport.sent.length - sentBefore).toBe(1);
    expect(transport.sent.at(-1)).toMatchObject({
      id: input.key,
      channel: 'email',
      to: 'u1@example.com',
      subject: 'Order ord-1 confirmed',
    });
  });

  it('a repeat with different data keeps the first message', async () => {
    await activities().sendNotification({
      key: 'ord-2:order_cancelled',
      userId: 'u1',
      template: 'order_cancelled',
      data: { orderId: 'ord-2', reason: 'OUT_OF_STOCK' },
    });
    await activities().sendNotification({
      key: 'ord-2:order_cancelled',
      userId: 'u1',
      template: 'order_cancelled',
      data: { orderId: 'ord-2', reason: 'PAYMENT_DECLINED' },
    });
    const doc = await store.notifications.findOne({ _id: 'ord-2:order_cancelled' });
    expect(doc?.body).toContain('OUT_OF_STOCK');
    expect(doc).toMatchObject({ to: null, channel: 'email', status: 'SENT' });
  });

  it('concurrent duplicates reach the transport once', async () => {
    const sentBefore = transport.sent.length;
    const input = {
      key: 'ord-3:order_shipped',
      userId: 'u3',
      template: 'order_shipped' as const,
      channel: 'sms' as const,
      data: { orderId: 'ord-3', trackingNumber: 'SGS1' },
    };
    const results = await Promise.all(Array.from({ length: 6 }, () => activities().sendNotification(input)));
    expect(new Set(results.map((r) => r.notificationId))).toEqual(new Set([input.key]));
    expect(transport.sent.length - sentBefore).toBe(1);
    expect(await store.notifications.countDocuments({ userId: 'u3' })).toBe(1);
  });

  it('a transport failure is retryable and leaves the message PENDING until a retry sends it', async () => {
    const input = { key: 'ord-4:order_delivered', userId: 'u4', template: 'order_delivered' as const, data: { orderId: 'ord-4' } };
    transport.failing = true;
    const error = await activities()
      .sendNotification(input)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    transport.failing = false;
    expect(error).toBeInstanceOf(Error);
    expect((error as { nonRetryable?: boolean }).nonRetryable).not.toBe(true);
    expect((await store.notifications.findOne({ _id: input.key }))?.status).toBe('PENDING');
    const sentBefore = transport.sent.length;
    await activities().sendNotification(input);
    await activities().sendNotification(input);
    // a refused attempt never reached anyone, so only the one that sent counts
    expect(await store.notifications.findOne({ _id: input.key })).toMatchObject({ status: 'SENT', sendAttempts: 1 });
    expect(transport.sent.length - sentBefore).toBe(1);
  });

  it('malformed input fails InvalidInput (non-retryable) and stores nothing', async () => {
    const before = await store.notifications.countDocuments();
    const ok = { key: 'bad-1', userId: 'u1', template: 'welcome', data: { name: 'Ann' } };
    for (const input of [
      { ...ok, template: 'no_such_template' },
      { ...ok, channel: 'pigeon' },
      { ...ok, key: '' },
      { ...ok, userId: { $ne: '' } },
      { ...ok, data: { nested: { deep: true } } },
      { ...ok, extra: 1 },
    ]) {
      await expectBusinessFailure(withAnyInput(activities().sendNotification)(input), 'InvalidInput');
    }
    expect(await store.notifications.countDocuments()).toBe(before);
  });
});

describe('transports', () => {
  it('the outbox transport records the message as its own id', async () => {
    expect(await new OutboxTransport().send({ id: 'k1', channel: 'email', subject: 's', body: 'b' })).toEqual({ transportId: 'outbox:k1' });
  });

  describe('smtp', () => {
    let server: Server;
    let port = 0;
    const received: string[] = [];

    beforeAll(async () => {
      // Just enough SMTP for nodemailer: greet, accept every command, collect the DATA.
      server = createServer((socket) => {
        let inData = false;
        let buffer = '';
        socket.write('220 test ESMTP\r\n');
        socket.on('data', (chunk) => {
          buffer += chunk.toString('utf8');
          for (;;) {
            if (inData) {
              const end = buffer.indexOf('\r\n.\r\n');
              if (end < 0) return;
              received.push(buffer.slice(0, end));
              buffer = buffer.slice(end + 5);
              inData = false;
              socket.write('250 queued\r\n');
              continue;
            }
            const eol = buffer.indexOf('\r\n');
            if (eol < 0) return;
            const line = buffer.slice(0, eol).toUpperCase();
            buffer = buffer.slice(eol + 2);
            if (line.startsWith('DATA')) {
              inData = true;
              socket.write('354 go ahead\r\n');
            } else if (line.startsWith('QUIT')) {
              socket.end('221 bye\r\n');
              return;
            } else socket.write('250 ok\r\n');
          }
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it('mails e-mail notifications with an address, with the notification id as Message-ID', async () => {
      const smtp = new SmtpTransport(`smtp://127.0.0.1:${port}`, 'sagashop <no-reply@sagashop.dev>');
      const result = await smtp.send({
        id: 'ord-9:order_confirmed',
        channel: 'email',
        to: 'ann@example.com',
        subject: 'Order ord-9 confirmed',
        body: 'Thanks',
      });
      expect(result.transportId).toBe('<ord-9:order_confirmed@sagashop>');
      expect(received.at(-1)).toContain('Subject: Order ord-9 confirmed');
      expect(received.at(-1)).toContain('To: ann@example.com');
    });

    it('skips messages it cannot mail, and fails (retryably) when the server is unreachable', async () => {
      const smtp = new SmtpTransport(`smtp://127.0.0.1:${port}`, 'no-reply@sagashop.dev');
      expect(await smtp.send({ id: 'k2', channel: 'sms', to: '+100', subject: 's', body: 'b' })).toEqual({ transportId: 'skipped:k2' });
      expect(await smtp.send({ id: 'k3', channel: 'email', subject: 's', body: 'b' })).toEqual({ transportId: 'skipped:k3' });
      const down = new SmtpTransport('smtp://127.0.0.1:1', 'no-reply@sagashop.dev');
      await expect(down.send({ id: 'k4', channel: 'email', to: 'a@example.com', subject: 's', body: 'b' })).rejects.toThrow();
    });
  });
});

describe('notification routes', () => {
  const user = 'inbox-user';
  beforeAll(async () => {
    for (let i = 1; i <= 5; i++) {
      await activities().sendNotification({
        key: `inbox-${i}`,
        userId: user,
        template: 'order_confirmed',
        data: { orderId: `o-${i}`, totalCents: i * 100, currency: 'EUR' },
      });
      await sleep(3); // distinct createdAt, so "newest first" is observable
    }
    await activities().sendNotification({ key: 'other-1', userId: 'u2', template: 'welcome', data: { name: 'Bea' } });
  });

  it("lists a user's notifications newest first, page by page", async () => {
    const first = await call(app, 'GET', `/notifications?userId=${user}&limit=2`, undefined, customer(user));
    expect(first.status).toBe(200);
    expect(idsOn(first)).toEqual(['inbox-5', 'inbox-4']);
    expect(bodyAs(first, ItemsBody).items[0]).toMatchObject({
      id: 'inbox-5',
      userId: user,
      channel: 'email',
      template: 'order_confirmed',
      subject: 'Order o-5 confirmed',
      readAt: null,
      createdAt: anyString(),
    });
    expect(bodyAs(first, InboxPage).nextCursor).toEqual(anyString());
    const second = await call(
      app,
      'GET',
      `/notifications?userId=${user}&limit=2&cursor=${bodyAs(first, InboxPage).nextCursor}`,
      undefined,
      customer(user),
    );
    expect(idsOn(second)).toEqual(['inbox-3', 'inbox-2']);
    const third = await call(
      app,
      'GET',
      `/notifications?userId=${user}&limit=2&cursor=${bodyAs(second, InboxPage).nextCursor}`,
      undefined,
      customer(user),
    );
    expect(third.body).toEqual({ items: [objectContaining({ id: 'inbox-1' })], nextCursor: null });
    expect(bodyAs(await call(app, 'GET', `/notifications?userId=${user}`, undefined, admin), ItemsBody).items).toHaveLength(5);
  });

  it('marks as read (once, for the owner only) and filters and counts unread', async () => {
    expect((await call(app, 'GET', `/notifications/unread-count?userId=${user}`, undefined, customer(user))).body).toEqual({
      userId: user,
      unread: 5,
    });
    const read = await call(app, 'POST', '/notifications/inbox-4/read', undefined, customer(user));
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: 'inbox-4', readAt: anyString() });
    await sleep(5);
    const again = await call(app, 'POST', '/notifications/inbox-4/read', undefined, customer(user));
    expect(bodyAs(again, ReadBody).readAt).toBe(bodyAs(read, ReadBody).readAt);
    expect((await call(app, 'GET', `/notifications/unread-count?userId=${user}`, undefined, customer(user))).body).toEqual({
      userId: user,
      unread: 4,
    });
    const unread = await call(app, 'GET', `/notifications?userId=${user}&unread=true`, undefined, customer(user));
    expect(idsOn(unread)).toEqual(['inbox-5', 'inbox-3', 'inbox-2', 'inbox-1']);
    const all = await call(app, 'GET', `/notifications?userId=${user}&unread=false`, undefined, customer(user));
    expect(bodyAs(all, ItemsBody).items).toHaveLength(5);
  });

  it("answers 404 for another user's notifications and changes nothing", async () => {
    const stranger = { caller: { userId: 'u2', roles: [] } };
    expectProblem(await call(app, 'GET', `/notifications?userId=${user}`, undefined, stranger), 404);
    expectProblem(await call(app, 'GET', `/notifications/unread-count?userId=${user}`, undefined, stranger), 404);
    expectProblem(await call(app, 'POST', '/notifications/inbox-5/read', undefined, stranger), 404);
    expect((await store.get('inbox-5'))?.readAt).toBeNull();
    expectProblem(await call(app, 'POST', '/notifications/no-such-id/read', undefined, customer(user)), 404);
    // u2 sees only its own
    expect(idsOn(await call(app, 'GET', '/notifications?userId=u2', undefined, stranger))).toEqual(['other-1']);
  });

  it('needs a service token', async () => {
    expectProblem(await call(app, 'GET', `/notifications?userId=${user}`, undefined, { anonymous: true }), 401);
    expectProblem(await call(app, 'POST', '/notifications/inbox-5/read', undefined, { anonymous: true }), 401);
    expect((await store.get('inbox-5'))?.readAt).toBeNull();
  });

  it('rejects bad queries with 400 field errors', async () => {
    for (const query of [
      '',
      `userId=${user}&limit=0`,
      `userId=${user}&limit=101`,
      `userId=${user}&limit=abc`,
      `userId=${user}&limit=1.5`,
      `userId=${user}&unread=yes`,
      `userId=${user}&cursor=not-a-cursor`,
      `userId=${user}&cursor=${Buffer.from('{"createdAt":{"$gt":""},"id":"x"}').toString('base64url')}`,
      `userId=${'x'.repeat(101)}`,
    ]) {
      const res = await call(app, 'GET', `/notifications?${query}`, undefined, admin);
      expectProblem(res, 400);
      expect(bodyAs(res, ErrorsBody).errors.length, query).toBeGreaterThan(0);
    }
    expectProblem(await call(app, 'GET', '/notifications/unread-count', undefined, admin), 400);
  });

  it('lists its routes in the OpenAPI document', async () => {
    const { paths } = bodyAs(await call(app, 'GET', '/openapi.json', undefined, { anonymous: true }), PathsBody);
    expect(Object.keys(paths)).toEqual(arrayContaining(['/notifications', '/notifications/unread-count', '/notifications/{id}/read']));
  });
});
