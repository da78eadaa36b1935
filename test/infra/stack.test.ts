// The provisioned servers behave as the code relies on: FerretDB (or mongod)
// reports duplicate keys as E11000, Redis answers, the time-skipping server skips time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDuplicateKeyError } from '../../shared/mongo.js';
import { createTimeSkippingEnv, testDb, testRedis, type TestDb } from '../support/stack.js';

describe('local stack', () => {
  let mongo: TestDb;
  beforeAll(async () => { mongo = await testDb('infra'); });
  afterAll(async () => { await mongo.close(); });

  it('enforces unique indexes with E11000 and supports findOneAndUpdate with $inc', async () => {
    const col = mongo.db.collection<{ _id: string; n: number }>('things');
    await col.createIndex({ n: 1 }, { unique: true });
    await col.insertOne({ _id: 'a', n: 1 });
    const dup = await col.insertOne({ _id: 'b', n: 1 }).catch((e: unknown) => e);
    expect(isDuplicateKeyError(dup)).toBe(true);
    const after = await col.findOneAndUpdate({ _id: 'a', n: { $gte: 1 } }, { $inc: { n: 5 } }, { returnDocument: 'after' });
    expect(after?.n).toBe(6);
  });

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
