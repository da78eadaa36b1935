// The provisioned servers give exactly the guarantees the stores rely on. The
// Mongo-protocol server (mongo-java-server, or mongod / MONGO_URL) must make every
// single-document write atomic under concurrency, enforce unique and compound
// unique indexes, and implement the update operators the stores use; real
// MongoDB 7 guarantees the same, so these tests hold on it too. Redis answers,
// and the time-skipping server skips time.
import type { Collection } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDuplicateKeyError } from '../../shared/mongo.js';
import { createTimeSkippingEnv, testDb, testRedis, type TestDb } from '../support/stack.js';

const settle = <T>(promises: Array<Promise<T>>) => Promise.allSettled(promises);
const fulfilled = <T>(results: Array<PromiseSettledResult<T>>) => results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
const rejected = <T>(results: Array<PromiseSettledResult<T>>) =>
  results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));

describe('the Mongo-protocol server', () => {
  let mongo: TestDb;
  beforeAll(async () => {
    mongo = await testDb('infra');
  });
  afterAll(async () => {
    await mongo.close();
  });

  it('enforces unique indexes with E11000 and supports findOneAndUpdate with $inc', async () => {
    const col = mongo.db.collection<{ _id: string; n: number }>('things');
    await col.createIndex({ n: 1 }, { unique: true });
    await col.insertOne({ _id: 'a', n: 1 });
    const dup = await col.insertOne({ _id: 'b', n: 1 }).catch((e: unknown) => e);
    expect(isDuplicateKeyError(dup)).toBe(true);
    const before = await col.findOneAndUpdate({ _id: 'a', n: { $gte: 1 } }, { $inc: { n: 5 } }, { returnDocument: 'before' });
    expect(before?.n).toBe(1);
    expect((await col.findOne({ _id: 'a' }))?.n).toBe(6);
    expect(await col.findOneAndUpdate({ _id: 'a', n: 1 }, { $inc: { n: 1 } }, { returnDocument: 'before' })).toBeNull();
  });

  it('applies exactly 30 of 50 concurrent guarded $inc on a stock of 30', async () => {
    const col = mongo.db.collection<{ _id: string; available: number; taken: number }>('stock');
    await col.insertOne({ _id: 'sku', available: 30, taken: 0 });
    const results = await Promise.all(
      Array.from({ length: 50 }, () => col.updateOne({ _id: 'sku', available: { $gte: 1 } }, { $inc: { available: -1, taken: 1 } })),
    );
    expect(results.filter((r) => r.modifiedCount === 1)).toHaveLength(30);
    expect(await col.findOne({ _id: 'sku' })).toEqual({ _id: 'sku', available: 0, taken: 30 });
  });

  it('gives every concurrent findOneAndUpdate its own, distinct before image', async () => {
    const col = mongo.db.collection<{ _id: string; n: number }>('counters');
    await col.insertOne({ _id: 'c', n: 0 });
    const befores = await Promise.all(
      Array.from({ length: 50 }, () => col.findOneAndUpdate({ _id: 'c' }, { $inc: { n: 1 } }, { returnDocument: 'before' })),
    );
    expect(befores.map((b) => b!.n).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect((await col.findOne({ _id: 'c' }))?.n).toBe(50);
    // a state machine: of 50 concurrent transitions out of one state exactly one sees it
    await col.insertOne({ _id: 'sm', n: 1 });
    const moves = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        col.findOneAndUpdate({ _id: 'sm', n: 1 }, { $set: { n: 2 + (i % 2) } }, { returnDocument: 'before' }),
      ),
    );
    expect(moves.filter((m) => m !== null)).toHaveLength(1);
  });

  it('lets exactly one of 20 concurrent inserts through a unique and a compound unique index', async () => {
    const single = mongo.db.collection<{ _id: string; email: string }>('single');
    await single.createIndex({ email: 1 }, { unique: true });
    const singles = await settle(Array.from({ length: 20 }, (_, i) => single.insertOne({ _id: `u${i}`, email: 'same@example.com' })));
    expect(fulfilled(singles)).toHaveLength(1);
    expect(rejected(singles).every(isDuplicateKeyError)).toBe(true);

    const compound = mongo.db.collection<{ _id: string; orderId: string; type: string }>('compound');
    await compound.createIndex({ orderId: 1, type: 1 }, { unique: true });
    await compound.insertOne({ _id: 'other-type', orderId: 'o1', type: 'B' });
    await compound.insertOne({ _id: 'other-order', orderId: 'o2', type: 'A' });
    const compounds = await settle(Array.from({ length: 20 }, (_, i) => compound.insertOne({ _id: `e${i}`, orderId: 'o1', type: 'A' })));
    expect(fulfilled(compounds)).toHaveLength(1);
    expect(rejected(compounds).every(isDuplicateKeyError)).toBe(true);
    expect(await compound.countDocuments()).toBe(3);

    // and on _id alone, which every store uses
    const ids = await settle(
      Array.from({ length: 20 }, () => single.insertOne({ _id: 'same-id', email: `x${Math.random()}@example.com` })),
    );
    expect(fulfilled(ids)).toHaveLength(1);
    expect(rejected(ids).every(isDuplicateKeyError)).toBe(true);
  });

  it('inserts once under 20 concurrent upserts of one _id', async () => {
    const col = mongo.db.collection<{ _id: string; hits: number; firstAt?: number }>('upserts');
    const results = await settle(
      Array.from({ length: 20 }, (_, i) =>
        col.updateOne({ _id: 'k' }, { $inc: { hits: 1 }, $setOnInsert: { firstAt: i } }, { upsert: true }),
      ),
    );
    // MongoDB may answer a lost upsert race with E11000 (it retries most itself); never a second document
    const answered = fulfilled(results);
    expect(rejected(results).every(isDuplicateKeyError)).toBe(true);
    expect(answered.filter((r) => r.upsertedCount === 1)).toHaveLength(1);
    expect(await col.countDocuments({ _id: 'k' })).toBe(1);
    expect((await col.findOne({ _id: 'k' }))?.hits).toBe(answered.length);
  });

  describe('update operators the stores use', () => {
    interface Doc {
      _id: string;
      holds?: Record<string, number>;
      closed?: string[];
      events?: Array<{ type: string; at: number }>;
      rank?: number;
      n?: number;
    }
    let col: Collection<Doc>;
    beforeAll(() => {
      col = mongo.db.collection<Doc>('operators');
    });

    it('caps an array with $push $each + $slice, and keeps it capped under concurrent pushes', async () => {
      await col.insertOne({ _id: 'cap', closed: [] });
      await Promise.all(
        Array.from({ length: 60 }, (_, i) => col.updateOne({ _id: 'cap' }, { $push: { closed: { $each: [`m${i}`], $slice: -50 } } })),
      );
      const doc = await col.findOne({ _id: 'cap' });
      expect(doc?.closed).toHaveLength(50);
      expect(new Set(doc?.closed).size).toBe(50);
      // the latest push is always kept
      await col.updateOne({ _id: 'cap' }, { $push: { closed: { $each: ['last'], $slice: -50 } } });
      expect((await col.findOne({ _id: 'cap' }))?.closed?.at(-1)).toBe('last');
      // $ne on an array field: no element equals it; equality: some element does
      expect(await col.countDocuments({ _id: 'cap', closed: { $ne: 'last' } })).toBe(0);
      expect(await col.countDocuments({ _id: 'cap', closed: 'last' })).toBe(1);
      expect(await col.countDocuments({ _id: 'cap', closed: { $ne: 'never' } })).toBe(1);
      expect(await col.countDocuments({ _id: 'cap', $and: [{ closed: 'last' }, { closed: { $ne: 'never' } }] })).toBe(1);
    });

    it('sets, tests ($exists, equality on a nested path) and $unsets map entries', async () => {
      await col.insertOne({ _id: 'map', n: 10 });
      // a missing map: a guarded $set creates it
      const set = await col.updateOne({ _id: 'map', 'holds.o-1': { $exists: false } }, { $set: { 'holds.o-1': 3 }, $inc: { n: -3 } });
      expect(set.modifiedCount).toBe(1);
      expect((await col.updateOne({ _id: 'map', 'holds.o-1': { $exists: false } }, { $set: { 'holds.o-1': 3 } })).modifiedCount).toBe(0);
      await col.updateOne({ _id: 'map' }, { $set: { 'holds.o_2': 1 } });
      expect(await col.countDocuments({ _id: 'map', 'holds.o-1': 3 })).toBe(1);
      expect(await col.countDocuments({ _id: 'map', 'holds.o-1': 4 })).toBe(0);
      const unset = await col.updateOne({ _id: 'map', 'holds.o-1': { $exists: true } }, { $unset: { 'holds.o-1': '' }, $inc: { n: 3 } });
      expect(unset.modifiedCount).toBe(1);
      expect(await col.findOne({ _id: 'map' })).toEqual({ _id: 'map', n: 10, holds: { o_2: 1 } });
      // 50 concurrent closings of one entry: one applies
      await col.updateOne({ _id: 'map' }, { $set: { 'holds.o-3': 2 } });
      const closings = await Promise.all(
        Array.from({ length: 50 }, () => col.updateOne({ _id: 'map', 'holds.o-3': 2 }, { $unset: { 'holds.o-3': '' }, $inc: { n: 2 } })),
      );
      expect(closings.filter((c) => c.modifiedCount === 1)).toHaveLength(1);
      expect((await col.findOne({ _id: 'map' }))?.n).toBe(12);
    });

    it('pushes an element once per type under concurrency with `arr.field: {$ne}`', async () => {
      await col.insertOne({ _id: 'ev', events: [{ type: 'A', at: 1 }], rank: 0 });
      const pushes = await Promise.all(
        ['B', 'C', 'B', 'C', 'A'].flatMap((type) =>
          Array.from({ length: 10 }, (_, i) =>
            col.findOneAndUpdate(
              { _id: 'ev', 'events.type': { $ne: type } },
              { $push: { events: { type, at: i } }, $inc: { n: 1 } },
              { returnDocument: 'before' },
            ),
          ),
        ),
      );
      expect(pushes.filter((p) => p !== null)).toHaveLength(2);
      const doc = await col.findOne({ _id: 'ev' });
      expect(doc?.events?.map((e) => e.type).sort()).toEqual(['A', 'B', 'C']);
      expect(doc?.n).toBe(2);
      // the before images number the pushes: positions 1 and 2
      expect(pushes.flatMap((p) => (p ? [p.events!.length] : [])).sort()).toEqual([1, 2]);
    });

    it('moves a rank only forwards ($lt guard, and $max)', async () => {
      await col.insertOne({ _id: 'rank', rank: 0 });
      await Promise.all(
        [2, 1, 2, 1, 0].flatMap((r) =>
          Array.from({ length: 10 }, () => col.updateOne({ _id: 'rank', rank: { $lt: r } }, { $set: { rank: r } })),
        ),
      );
      expect((await col.findOne({ _id: 'rank' }))?.rank).toBe(2);
      await col.updateOne({ _id: 'rank' }, { $max: { rank: 1 } });
      expect((await col.findOne({ _id: 'rank' }))?.rank).toBe(2);
      await col.updateOne({ _id: 'rank' }, { $max: { rank: 5 } });
      expect((await col.findOne({ _id: 'rank' }))?.rank).toBe(5);
    });

    it('adds to a set once, and leaves fields out of a projection', async () => {
      await col.insertOne({ _id: 'set', closed: [], n: 1, events: [{ type: 'A', at: 1 }] });
      await Promise.all(Array.from({ length: 20 }, () => col.updateOne({ _id: 'set' }, { $addToSet: { closed: 'SKU-1' } })));
      expect((await col.findOne({ _id: 'set' }))?.closed).toEqual(['SKU-1']);
      expect(await col.findOne({ _id: 'set' }, { projection: { events: 0 } })).toEqual({ _id: 'set', closed: ['SKU-1'], n: 1 });
    });
  });
});

describe('the rest of the local stack', () => {
  it('reaches Redis', async () => {
    const r = await testRedis('infra');
    await r.redis.set('k', 'v', 'EX', 10);
    expect(await r.redis.get('k')).toBe('v');
    await r.close();
  });

  it('skips time on the time-skipping test server', async () => {
    const env = await createTimeSkippingEnv();
    try {
      const before = await env.currentTimeMs();
      await env.sleep('2 days');
      expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(2 * 24 * 3600 * 1000);
    } finally {
      await env.teardown();
    }
  });
});
