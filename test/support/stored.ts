// What a running system has stored, as one comparable snapshot: every document
// of every service database under the system's prefix (hashed per collection)
// and the names of its Redis keys (carts, checkouts, idempotency keys), leaving
// out the counters of the rate limits, which every request moves by design, and
// the catalog's read cache, which every read of a product may fill.
// A test takes one before and one after a run of requests that must change nothing.
import { createHash } from 'node:crypto';
import { connectMongo } from '../../shared/mongo.js';
import { connectRedis } from '../../shared/redis.js';
import { stack } from './stack.js';

/** Keys the limits write on every request (gateway/middleware/rate-limit.ts, gateway/auth/login-limiter.ts) and the read cache (services/catalog/store.ts). */
const COUNTERS = /^(?:ratelimit|login-failures|catalog:product):/;

export type Snapshot = Record<string, string>;

export async function storedSnapshot(prefix: string): Promise<Snapshot> {
  const out: Snapshot = {};
  const client = await connectMongo(stack().mongoUrl);
  try {
    const { databases } = await client.db().admin().listDatabases({ nameOnly: true });
    for (const { name } of databases.filter((d) => d.name.startsWith(prefix))) {
      const db = client.db(name);
      for (const { name: collection } of await db.listCollections({}, { nameOnly: true }).toArray()) {
        if (collection.startsWith('system.')) continue;
        const docs = await db.collection(collection).find().toArray();
        const digest = createHash('sha256')
          .update(
            docs
              .map((d) => JSON.stringify(d))
              .sort()
              .join('\n'),
          )
          .digest('hex')
          .slice(0, 16);
        out[`mongo ${name}.${collection}`] = `${docs.length} documents ${digest}`;
      }
    }
  } finally {
    await client.close();
  }
  const keyPrefix = `${prefix}:`;
  const redis = connectRedis(stack().redisUrl);
  try {
    const keys = (await redis.keys(`${keyPrefix}*`)).map((k) => k.slice(keyPrefix.length)).filter((k) => !COUNTERS.test(k));
    out['redis keys'] = keys.sort().join(' ');
  } finally {
    await redis.quit();
  }
  return out;
}

/** A snapshot once two taken `intervalMs` apart agree (work started before, e.g. a welcome mail, has landed). */
export async function settledSnapshot(prefix: string, intervalMs = 1_000, attempts = 30): Promise<Snapshot> {
  let last = await storedSnapshot(prefix);
  for (let attempt = 0; attempt < attempts; attempt++) {
    await new Promise((r) => setTimeout(r, intervalMs));
    const next = await storedSnapshot(prefix);
    if (JSON.stringify(next) === JSON.stringify(last)) return next;
    last = next;
  }
  throw new Error(`what the system stores kept changing for ${(attempts * intervalMs) / 1000} s`);
}
