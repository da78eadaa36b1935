// Accounts: email unique case-insensitively (a unique index on the lower-cased
// email), passwords only as scrypt hashes, roles for authorisation.
import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { DomainError } from '../../shared/domain/errors.js';
import { insertIfNew } from '../../shared/mongo.js';
import { DUMMY_HASH, scryptPasswords, type Passwords } from './password.js';

interface UserDoc {
  _id: string;
  email: string;
  emailLower: string;
  name: string;
  passwordHash: string;
  roles: string[];
  /** Set when an administrator deactivated the account: it can no longer log in or use its tokens. */
  deactivatedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface UserView {
  id: string;
  email: string;
  name: string;
  roles: string[];
  active: boolean;
  createdAt: string;
}

const view = (doc: UserDoc): UserView => ({
  id: doc._id,
  email: doc.email,
  name: doc.name,
  roles: doc.roles,
  active: !doc.deactivatedAt,
  createdAt: doc.createdAt.toISOString(),
});

export class UsersStore {
  readonly users: Collection<UserDoc>;

  constructor(
    db: Db,
    private readonly passwords: Passwords = scryptPasswords,
  ) {
    this.users = db.collection<UserDoc>('users');
  }

  async ensureIndexes(): Promise<void> {
    await this.users.createIndex({ emailLower: 1 }, { unique: true });
  }

  /** Fails InvalidState when the email is taken (in any letter case). */
  async register(input: { email: string; password: string; name: string }, roles: string[] = ['customer']): Promise<UserView> {
    const now = new Date();
    const doc: UserDoc = {
      _id: randomUUID(),
      email: input.email,
      emailLower: input.email.toLowerCase(),
      name: input.name,
      passwordHash: await this.passwords.hash(input.password),
      roles,
      createdAt: now,
      updatedAt: now,
    };
    if (!(await insertIfNew(this.users, doc))) throw new DomainError('InvalidState', 'an account with this email exists');
    return view(doc);
  }

  /** The account for these credentials, or undefined; the same work is done for unknown emails. */
  async verify(email: string, password: string): Promise<UserView | undefined> {
    const doc = await this.users.findOne({ emailLower: email.toLowerCase() });
    const ok = await this.passwords.verify(password, doc?.passwordHash ?? DUMMY_HASH);
    return doc && ok && !doc.deactivatedAt ? view(doc) : undefined;
  }

  async get(id: string): Promise<UserView | undefined> {
    const doc = await this.users.findOne({ _id: id });
    return doc ? view(doc) : undefined;
  }

  async rename(id: string, name: string): Promise<UserView | undefined> {
    const doc = await this.users.findOneAndUpdate({ _id: id }, { $set: { name, updatedAt: new Date() } }, { returnDocument: 'after' });
    return doc ? view(doc) : undefined;
  }

  /** Deactivates the account for good (idempotent): no more logins, and the gateway refuses its tokens. */
  async deactivate(id: string): Promise<UserView | undefined> {
    const now = new Date();
    await this.users.updateOne({ _id: id, deactivatedAt: { $exists: false } }, { $set: { deactivatedAt: now, updatedAt: now } });
    return this.get(id);
  }

  async setRoles(id: string, roles: string[]): Promise<UserView | undefined> {
    const doc = await this.users.findOneAndUpdate({ _id: id }, { $set: { roles, updatedAt: new Date() } }, { returnDocument: 'after' });
    return doc ? view(doc) : undefined;
  }

  /** The demo administrator (SEED_DEMO): created once, never overwritten. */
  async seedAdmin(admin: { email: string; password: string; name: string }): Promise<void> {
    if (await this.users.findOne({ emailLower: admin.email.toLowerCase() })) return;
    await this.register(admin, ['customer', 'admin']).catch((error: unknown) => {
      if (!(error instanceof DomainError)) throw error;
    });
  }
}
