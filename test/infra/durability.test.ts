// What `npm start`'s servers keep when they are killed for real: each is started
// as the persistent stack starts it (scripts/stack/infra.ts: files in a data
// directory, supervised), written to by several clients, SIGKILLed the moment
// the last write of the run is acknowledged (others may still be in flight), and
// restarted by its supervisor on the same files. Every acknowledged write must
// be there. (What a power cut of the machine may still lose: docs/operations.md, Durability.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { IdempotencyStore } from '../../gateway/idempotency/store.js';
import { CartCheckouts } from '../../services/cart/checkouts.js';
import { CartStore } from '../../services/cart/store.js';
import { startMongo, startRedis, startTemporal, type InfraOptions, type Service } from '../../scripts/stack/infra.js';
import { waitFor } from '../../scripts/stack/processes.js';
import { createLogger } from '../../shared/logger.js';
import { connectRedis } from '../../shared/redis.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sagashop-durability-'));
const opts: InfraOptions = {
  dataDir,
  logDir: join(dataDir, 'logs'),
  persistent: true,
  supervision: { initialDelayMs: 100, report: () => undefined },
};
const started: Array<Service<unknown>> = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

async function start<T>(service: Promise<Service<T>>): Promise<Service<T>> {
  const s = await service;
  started.push(s);
  return s;
}

/** SIGKILLs the server at once (synchronously, from the callback that saw the last answer). */
const kill = (service: Service<unknown>) => () => process.kill(service.managed!.child.pid!, 'SIGKILL');

/** Waits until the supervisor has started the killed server again, on the same port and files. */
const restarted = (service: Service<unknown>) =>
  waitFor(`${service.managed!.name} restarted`, () => Promise.resolve(service.managed!.restarts === 1), 15_000);

const CLIENTS = 4;

/**
 * Runs `write(client, i)` from CLIENTS clients until `total` writes are acknowledged, and calls
 * `kill` synchronously on that acknowledgement, while the other clients' writes are in flight.
 * Resolves with every acknowledged write: one answered after the kill was still answered by the
 * server before it died.
 */
async function writeUntilKilled<T>(total: number, write: (client: number, i: number) => Promise<T>, kill: () => void): Promise<T[]> {
  const acknowledged: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      while (next < total) {
        const i = next++;
        try {
          acknowledged.push(await write(client, i));
        } catch {
          return; // the server is gone: this write was never acknowledged
        }
        if (acknowledged.length === total) kill();
      }
    }),
  );
  return acknowledged;
}

describe('across a kill -9 of the server', () => {
  it('mongo-java-server keeps every acknowledged insert and conditional update', async () => {
    const mongo = await start(startMongo(opts));
    // Several connections, no driver-side retry: an answer is one the killed server gave.
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, () => new MongoClient(mongo.value, { retryWrites: false, maxPoolSize: 1 }).connect()),
    );
    const collection = (c: number) => clients[c]!.db('durability').collection<{ _id: string; n: number }>('docs');
    await collection(0).insertMany([
      { _id: 'counter', n: 0 },
      { _id: 'stock', n: 1_000_000 },
    ]);
    const N = 600;
    const acked = await writeUntilKilled(
      N,
      async (c, i) => {
        // Every third write is an insert, the others a $inc and a guarded decrement, as the stores do.
        if (i % 3 === 0) return (await collection(c).insertOne({ _id: `doc-${i}`, n: i })).insertedId;
        const target = i % 3 === 1 ? 'counter' : 'stock';
        const filter = target === 'stock' ? { _id: target, n: { $gt: 0 } } : { _id: target };
        const result = await collection(c).updateOne(filter, { $inc: { n: target === 'stock' ? -1 : 1 } });
        if (result.modifiedCount !== 1) throw new Error(`${target} not updated`);
        return target;
      },
      kill(mongo),
    );
    expect(acked.length).toBeGreaterThanOrEqual(N);
    await Promise.all(clients.map((c) => c.close(true)));
    await restarted(mongo);

    const client = await new MongoClient(mongo.value, { serverSelectionTimeoutMS: 30_000 }).connect();
    try {
      const docs = client.db('durability').collection<{ _id: string; n: number }>('docs');
      const inserted = acked.filter((id) => id.startsWith('doc-'));
      expect(await docs.countDocuments({ _id: { $in: inserted } })).toBe(inserted.length);
      // Writes in flight at the kill (at most one per other client) may or may not have landed.
      const increments = acked.filter((id) => id === 'counter').length;
      const counter = (await docs.findOne({ _id: 'counter' }))!.n;
      expect(counter).toBeGreaterThanOrEqual(increments);
      expect(counter).toBeLessThanOrEqual(increments + CLIENTS - 1);
      const decrements = acked.filter((id) => id === 'stock').length;
      const stock = (await docs.findOne({ _id: 'stock' }))!.n;
      expect(1_000_000 - stock).toBeGreaterThanOrEqual(decrements);
      expect(1_000_000 - stock).toBeLessThanOrEqual(decrements + CLIENTS - 1);
    } finally {
      await client.close();
    }
  });

  it('Redis keeps every acknowledged idempotency record, cart and cart claim (appendfsync always)', async () => {
    const redis = await start(startRedis(opts));
    const connections = Array.from({ length: CLIENTS }, () => connectRedis(redis.value, 'dur:'));
    for (const r of connections) r.on('error', () => undefined); // refused reconnections once the server is killed
    const logger = createLogger('durability-test', 'silent');
    const stores = connections.map((r) => ({
      idempotency: new IdempotencyStore(r, 86_400, logger),
      carts: new CartStore(r, 86_400),
      checkouts: new CartCheckouts(r, 86_400),
    }));
    await Promise.all(connections.map((r) => r.ping()));
    const N = 150;
    // Per user, as a checkout writes them: a stored answer (SET with TTL), a cart line (a hash), a claim of that cart.
    const acked = await writeUntilKilled(
      N,
      async (c, i) => {
        const s = stores[c]!;
        const user = `user-${i}`;
        await s.idempotency.complete(user, 'key', 'fp', { status: 201, body: { order: i } });
        await s.carts.add(user, 'SKU-1', 2);
        if ((await s.checkouts.claim(user, 'checkout')).state !== 'claimed') throw new Error('not claimed');
        return i;
      },
      kill(redis),
    );
    expect(acked.length).toBeGreaterThanOrEqual(N);
    connections.forEach((r) => r.disconnect());
    await restarted(redis);

    const r = connectRedis(redis.value, 'dur:');
    r.on('error', () => undefined); // refused until the restarted server listens
    try {
      await waitFor('redis loaded its AOF', async () => (await r.ping()) === 'PONG', 15_000);
      const s = {
        idempotency: new IdempotencyStore(r, 86_400, logger),
        carts: new CartStore(r, 86_400),
        checkouts: new CartCheckouts(r, 86_400),
      };
      const missing: string[] = [];
      for (const i of acked) {
        const user = `user-${i}`;
        const replay = await s.idempotency.begin(user, 'key', 'fp');
        if (replay.kind !== 'replay' || (replay.answer.body as { order: number }).order !== i) missing.push(`answer ${i}`);
        if ((await s.carts.get(user)).items[0]?.quantity !== 2) missing.push(`cart ${i}`);
        if ((await s.checkouts.claim(user, 'another-checkout')).state !== 'busy') missing.push(`claim ${i}`);
      }
      expect(missing).toEqual([]);
      // Each key kept its expiry too (records, carts and claims all lapse).
      const keys = await r.keys('*');
      expect(keys.length).toBeGreaterThanOrEqual(3 * acked.length);
      const ttls = await Promise.all(keys.map((k) => r.ttl(k.slice('dur:'.length))));
      expect(ttls.filter((t) => t <= 0)).toEqual([]);
    } finally {
      r.disconnect();
    }
  });

  it('the Temporal dev server keeps every acknowledged workflow start (SQLite file, WAL)', async () => {
    const temporal = await start(startTemporal(opts));
    const connection = await Connection.connect({ address: temporal.value.address });
    const client = new Client({ connection, namespace: temporal.value.namespace });
    const N = 40;
    // No worker polls this queue: a started workflow stays RUNNING, with only its start in its history.
    const acked = await writeUntilKilled(
      N,
      async (_, i) =>
        (await client.workflow.start('durabilityProbe', { taskQueue: 'durability-probe', workflowId: `probe-${i}`, args: [] })).workflowId,
      kill(temporal),
    );
    expect(acked.length).toBeGreaterThanOrEqual(N);
    await connection.close();
    await restarted(temporal);

    let again: Connection | undefined;
    await waitFor(
      'the restarted dev server',
      async () => {
        again ??= await Connection.connect({ address: temporal.value.address, connectTimeout: '1s' });
        await new Client({ connection: again, namespace: temporal.value.namespace }).workflow.getHandle(acked[0]!).describe();
        return true;
      },
      60_000,
    );
    try {
      const after = new Client({ connection: again!, namespace: temporal.value.namespace });
      const statuses = await Promise.all(acked.map(async (id) => (await after.workflow.getHandle(id).describe()).status.name));
      expect(statuses).toEqual(acked.map(() => 'RUNNING'));
    } finally {
      await again?.close();
    }
  });
});
