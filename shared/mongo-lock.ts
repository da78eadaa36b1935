// A short mutual-exclusion lock on one key, built on the only write FerretDB
// serialises under concurrency: an insert into a unique _id. FerretDB 1.24 (SQLite
// backend) applies concurrent conditional updates of one document without
// isolation (lost updates were measured: the concurrency test in test/services/inventory.test.ts fails without this lock), so
// every read-modify-write that must not race runs inside this lock. On MongoDB 7
// the lock is merely redundant. A holder that died leaves a lock that expires.
import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError } from './mongo.js';

interface LockDoc {
  _id: string;
  owner: string;
  expiresAt: Date;
}

export class MongoLocks {
  private readonly locks: Collection<LockDoc>;

  constructor(db: Db, private readonly ttlMs = 30_000, collection = 'locks') {
    this.locks = db.collection<LockDoc>(collection);
  }

  async withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    const owner = randomUUID();
    await this.acquire(key, owner);
    try {
      return await work();
    } finally {
      await this.locks.deleteOne({ _id: key, owner });
    }
  }

  private async acquire(key: string, owner: string): Promise<void> {
    const giveUpAt = Date.now() + this.ttlMs * 2;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.locks.insertOne({ _id: key, owner, expiresAt: new Date(Date.now() + this.ttlMs) });
        return;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      if (Date.now() > giveUpAt) throw new Error(`lock ${key} is still held after ${this.ttlMs * 2} ms`);
      // A holder that crashed never releases: its lock is taken over once expired.
      await this.locks.deleteOne({ _id: key, expiresAt: { $lt: new Date() } });
      await new Promise((resolve) => setTimeout(resolve, Math.min(2 + attempt * 2, 25) + Math.random() * 5));
    }
  }
}
