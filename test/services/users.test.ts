// Users on the real Mongo-protocol server: registration with case-insensitive
// unique emails, scrypt credentials, profiles only for their owner, the demo
// admin seed and the contact activity.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createUsersActivities } from '../../services/users/activities.js';
import { DEMO_ADMIN } from '../../shared/demo-data.js';
import { createUsersApp } from '../../services/users/app.js';
import { hashPassword, verifyPassword } from '../../services/users/password.js';
import { UsersStore } from '../../services/users/store.js';
import { DetailBody, ErrorsBody, IdBody, PathsBody, bodyAs } from '../support/bodies.js';
import { call } from '../support/http.js';
import { anyString, arrayContaining } from '../support/matchers.js';
import { admin, appOptions, customer, expectBusinessFailure, expectProblem, withAnyInput } from '../support/service.js';
import { testDb, type TestDb } from '../support/stack.js';

let mongo: TestDb;
let store: UsersStore;
let app: ReturnType<typeof createUsersApp>;
const activities = () => createUsersActivities(store);
const gateway = { caller: { userId: 'system', roles: ['system'] } };

const register = (body: unknown) => call(app, 'POST', '/users', body, gateway);
/** A user's profile: who it is and the name it goes by. */
const ProfileBody = z.object({ id: z.string(), name: z.string() });

beforeAll(async () => {
  mongo = await testDb('users');
  store = new UsersStore(mongo.db);
  await store.ensureIndexes();
  app = createUsersApp({ store, appOptions: appOptions('users', mongo.db) });
});
afterAll(async () => {
  await mongo.close();
});

describe('password hashing', () => {
  it('stores scrypt$N$r$p$salt$hash with a random salt and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(Buffer.from(a.split('$')[4]!, 'base64')).toHaveLength(16);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('anything', 'md5$abc')).toBe(false);
  });
});

describe('registration', () => {
  it('creates a customer account and never answers the hash', async () => {
    const res = await register({ email: 'Alice@Example.com', password: 'alice-password', name: 'Alice' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: anyString(),
      email: 'Alice@Example.com',
      name: 'Alice',
      roles: ['customer'],
      active: true,
      createdAt: anyString(),
    });
    expect(JSON.stringify(res.body)).not.toMatch(/scrypt|password/i);
    const doc = await store.users.findOne({ _id: bodyAs(res, IdBody).id });
    expect(doc).toMatchObject({ emailLower: 'alice@example.com', roles: ['customer'] });
    expect(doc?.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(doc?.passwordHash).not.toContain('alice-password');
  });

  it('answers 409 for an email taken in any letter case', async () => {
    await register({ email: 'bob@example.com', password: 'bob-password', name: 'Bob' });
    const res = await register({ email: 'BOB@example.COM', password: 'other-password', name: 'Robert' });
    expectProblem(res, 409);
    expect(await store.users.countDocuments({ emailLower: 'bob@example.com' })).toBe(1);
  });

  it('one account when the same email registers 50 times at once, in varying case (the unique index decides)', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        register({ email: i % 2 ? 'Race@example.com' : 'race@EXAMPLE.com', password: 'race-password', name: `Racer ${i}` }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(49);
    expect(await store.users.countDocuments({ emailLower: 'race@example.com' })).toBe(1);
  });

  it('rejects bad input with 400 field errors and stores nothing', async () => {
    const before = await store.users.countDocuments();
    const ok = { email: 'carol@example.com', password: 'carol-password', name: 'Carol' };
    const bad: unknown[] = [
      { ...ok, email: 'not-an-email' },
      { ...ok, email: `${'a'.repeat(250)}@example.com` },
      { ...ok, email: { $ne: '' } },
      { ...ok, password: 'short' },
      { ...ok, password: 'x'.repeat(129) },
      { ...ok, password: 12345678 },
      { ...ok, name: '' },
      { ...ok, name: '   ' },
      { ...ok, name: 'n'.repeat(101) },
      { ...ok, roles: ['customer', 'admin'] },
      { email: ok.email, password: ok.password },
      [],
      'a string',
    ];
    for (const body of bad) {
      const res = await register(body);
      expectProblem(res, 400);
      expect(bodyAs(res, ErrorsBody).errors.length).toBeGreaterThan(0);
    }
    expectProblem(await call(app, 'POST', '/users', undefined, { ...gateway, rawBody: '{"email":' }), 400);
    expect(await store.users.countDocuments()).toBe(before);
  });

  it('needs a service token', async () => {
    expectProblem(
      await call(app, 'POST', '/users', { email: 'dave@example.com', password: 'dave-password', name: 'Dave' }, { anonymous: true }),
      401,
    );
    expect(await store.users.countDocuments({ emailLower: 'dave@example.com' })).toBe(0);
  });
});

describe('credentials', () => {
  beforeAll(async () => {
    await register({ email: 'erin@example.com', password: 'erin-password', name: 'Erin' });
  });

  it('verifies email (any letter case) and password', async () => {
    for (const email of ['erin@example.com', 'ERIN@Example.com']) {
      const res = await call(app, 'POST', '/credentials/verify', { email, password: 'erin-password' }, gateway);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ email: 'erin@example.com', name: 'Erin', roles: ['customer'] });
      expect(res.body).not.toHaveProperty('passwordHash');
    }
  });

  it('answers the same 401 for a wrong password and an unknown email', async () => {
    const wrong = await call(app, 'POST', '/credentials/verify', { email: 'erin@example.com', password: 'not-her-password' }, gateway);
    const unknown = await call(app, 'POST', '/credentials/verify', { email: 'nobody@example.com', password: 'erin-password' }, gateway);
    expectProblem(wrong, 401);
    expectProblem(unknown, 401);
    expect(bodyAs(unknown, DetailBody).detail).toBe(bodyAs(wrong, DetailBody).detail);
  });

  it('verifies an unknown email against a hash of the same cost as a real one, so the time tells no email apart', async () => {
    // What a login costs is the scrypt run: the same parameters and key length cost the same work.
    const verified: string[] = [];
    const watching = new UsersStore(mongo.db, {
      hash: hashPassword,
      verify: (password, stored) => (verified.push(stored), verifyPassword(password, stored)),
    });
    const watched = createUsersApp({ store: watching, appOptions: appOptions('users', mongo.db) });
    for (const email of ['erin@example.com', 'ghost@example.com'])
      expectProblem(await call(watched, 'POST', '/credentials/verify', { email, password: 'wrong-password' }, gateway), 401);
    const cost = (stored: string) => {
      const [scheme, n, r, p, , key] = stored.split('$');
      return { scheme, n, r, p, keyBytes: Buffer.from(key ?? '', 'base64').length };
    };
    expect(verified).toHaveLength(2);
    expect(cost(verified[0]!)).toEqual({ scheme: 'scrypt', n: '16384', r: '8', p: '1', keyBytes: 32 });
    expect(cost(verified[1]!)).toEqual(cost(verified[0]!));
  });

  it('rejects operator injection and malformed bodies with 400', async () => {
    for (const body of [
      { email: { $ne: '' }, password: { $ne: '' } },
      { email: 'erin@example.com', password: { $gt: '' } },
      { email: 'erin@example.com' },
      { email: 'erin@example.com', password: 'erin-password', admin: true },
    ]) {
      const res = await call(app, 'POST', '/credentials/verify', body, gateway);
      expectProblem(res, 400);
      expect(bodyAs(res, ErrorsBody).errors.length).toBeGreaterThan(0);
    }
    expectProblem(
      await call(app, 'POST', '/credentials/verify', { email: 'erin@example.com', password: 'erin-password' }, { anonymous: true }),
      401,
    );
  });
});

describe('profiles', () => {
  let frank: { id: string; name: string };
  beforeAll(async () => {
    frank = bodyAs(await register({ email: 'frank@example.com', password: 'frank-password', name: 'Frank' }), ProfileBody);
  });

  it("reads and renames one's own profile; admins may too", async () => {
    const own = await call(app, 'GET', `/users/${frank.id}`, undefined, customer(frank.id));
    expect(own.status).toBe(200);
    expect(own.body).toEqual({
      id: frank.id,
      email: 'frank@example.com',
      name: 'Frank',
      roles: ['customer'],
      active: true,
      createdAt: anyString(),
    });
    const renamed = await call(app, 'PATCH', `/users/${frank.id}`, { name: '  Franky ' }, customer(frank.id));
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: frank.id, name: 'Franky' });
    expect(bodyAs(await call(app, 'GET', `/users/${frank.id}`, undefined, admin), ProfileBody).name).toBe('Franky');
    expect(bodyAs(await call(app, 'PATCH', `/users/${frank.id}`, { name: 'Frank' }, admin), ProfileBody).name).toBe('Frank');
  });

  it("answers 404 for another user's profile and changes nothing", async () => {
    expectProblem(await call(app, 'GET', `/users/${frank.id}`, undefined, { caller: { userId: 'u2', roles: [] } }), 404);
    expectProblem(await call(app, 'PATCH', `/users/${frank.id}`, { name: 'Mallory' }, { caller: { userId: 'u2', roles: [] } }), 404);
    expect((await store.get(frank.id))?.name).toBe('Frank');
    expectProblem(await call(app, 'GET', '/users/no-such-user', undefined, admin), 404);
    expectProblem(await call(app, 'PATCH', '/users/no-such-user', { name: 'X' }, admin), 404);
    expectProblem(await call(app, 'GET', `/users/${frank.id}`, undefined, { anonymous: true }), 401);
  });

  it('rejects bad profile updates with 400 (roles cannot be changed this way)', async () => {
    for (const body of [
      { name: '' },
      { name: 'n'.repeat(101) },
      { name: 42 },
      { name: 'Frank', roles: ['admin'] },
      { roles: ['admin'] },
      {},
    ]) {
      const res = await call(app, 'PATCH', `/users/${frank.id}`, body, customer(frank.id));
      expectProblem(res, 400);
      expect(bodyAs(res, ErrorsBody).errors.length).toBeGreaterThan(0);
    }
    expect(await store.users.findOne({ _id: frank.id })).toMatchObject({ name: 'Frank', roles: ['customer'] });
    expectProblem(await call(app, 'GET', `/users/${'x'.repeat(101)}`, undefined, admin), 400);
  });

  it('lists its routes in the OpenAPI document', async () => {
    const { paths } = bodyAs(await call(app, 'GET', '/openapi.json', undefined, { anonymous: true }), PathsBody);
    expect(Object.keys(paths)).toEqual(arrayContaining(['/users', '/credentials/verify', '/users/{userId}']));
  });
});

describe('demo admin seed', () => {
  it('creates the admin once and never overwrites it', async () => {
    await store.seedAdmin(DEMO_ADMIN);
    const seeded = await call(app, 'POST', '/credentials/verify', { email: DEMO_ADMIN.email, password: DEMO_ADMIN.password }, gateway);
    expect(seeded.body).toMatchObject({ email: DEMO_ADMIN.email, roles: ['customer', 'admin'] });
    await store.rename(bodyAs(seeded, IdBody).id, 'Renamed Admin');
    await store.seedAdmin(DEMO_ADMIN);
    await Promise.all([store.seedAdmin(DEMO_ADMIN), store.seedAdmin(DEMO_ADMIN)]);
    expect(await store.users.countDocuments({ emailLower: DEMO_ADMIN.email })).toBe(1);
    expect((await store.get(bodyAs(seeded, IdBody).id))?.name).toBe('Renamed Admin');
  });
});

describe('users activities', () => {
  it('getUserContact answers the contact details', async () => {
    const grace = bodyAs(await register({ email: 'grace@example.com', password: 'grace-password', name: 'Grace' }), IdBody);
    expect(await activities().getUserContact({ userId: grace.id })).toEqual({
      userId: grace.id,
      email: 'grace@example.com',
      name: 'Grace',
    });
  });

  it('fails NotFound for an unknown user and InvalidInput for a malformed one, both non-retryable', async () => {
    await expectBusinessFailure(activities().getUserContact({ userId: 'no-such-user' }), 'NotFound');
    await expectBusinessFailure(withAnyInput(activities().getUserContact)({ userId: { $ne: '' } }), 'InvalidInput');
    await expectBusinessFailure(withAnyInput(activities().getUserContact)({}), 'InvalidInput');
  });
});
