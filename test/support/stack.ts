// Per-test-file access to the shared servers (test/setup/global-stack.ts),
// isolated by unique database names, Redis key prefixes and task queues.
import { randomBytes } from 'node:crypto';
import type { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_KEYS } from '../../services/orders/temporal/search-attributes.js';
import type { Db, MongoClient } from 'mongodb';
import { inject } from 'vitest';
import { connectMongo } from '../../shared/mongo.js';
import { connectRedis, type Redis } from '../../shared/redis.js';

export const stack = () => inject('stack');

/** A short unique name, for databases, key prefixes, task queues and ids. */
export const uniqueName = (label: string) => `t${randomBytes(4).toString('hex')}_${label}`;

export interface TestDb {
  db: Db;
  client: MongoClient;
  /** Drops the database and closes the client. */
  close(): Promise<void>;
}

/** A fresh database on the shared Mongo-protocol server. */
export async function testDb(label: string): Promise<TestDb> {
  const client = await connectMongo(stack().mongoUrl);
  const db = client.db(uniqueName(label));
  return {
    db,
    client,
    close: async () => {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}

/** A Redis client whose keys all carry a unique prefix; close() deletes them. */
export function testRedis(label: string): Promise<{ redis: Redis; prefix: string; close(): Promise<void> }> {
  const prefix = `${uniqueName(label)}:`;
  const redis = connectRedis(stack().redisUrl, prefix);
  return Promise.resolve({
    redis,
    prefix,
    close: async () => {
      const raw = connectRedis(stack().redisUrl);
      const keys = await raw.keys(`${prefix}*`);
      if (keys.length) await raw.del(...keys);
      await raw.quit();
      await redis.quit();
    },
  });
}

// The SDK gives the JVM a fixed 5 s to open its port (and then kills it); on a
// loaded 2-core machine that is sometimes too little, so try again a few times.
async function startTestServer(attempts = 4): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: stack().testServerPath } },
      });
    } catch (error) {
      if (attempt >= attempts || !String(error).includes('did not start within')) throw error;
    }
  }
}

/** Registers sagashop's custom search attributes (shared/domain.ts) on a namespace. */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(
      SEARCH_ATTRIBUTE_KEYS.map(({ name, type }) => [name, temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${type}`]]),
    ),
  });
}

/** A time-skipping Temporal environment on the locally provisioned Java test server, with our search attributes registered. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await startTestServer();
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/** The shared Temporal dev server, for tests that need real time and the real server. */
export function createDevServerEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createFromExistingServer({ address: stack().temporalAddress, namespace: stack().temporalNamespace });
}
