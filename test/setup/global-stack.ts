// One set of real servers for the whole test run: a MongoDB-protocol server, Redis
// and a Temporal dev server, all on free ports with throw-away data. Test files
// isolate themselves with their own database names, key prefixes and task queues.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startMongo, startRedis, startTemporal, type Service } from '../../scripts/stack/infra.js';
import { tools } from '../../scripts/stack/tools.js';

export interface TestStack {
  mongoUrl: string;
  redisUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  /** Launcher of the time-skipping test server (see scripts/provision.ts). */
  testServerPath: string;
  logDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: TestStack;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sagashop-test-'));
  const logDir = join(dataDir, 'logs');
  const opts = { dataDir, logDir, persistent: false };
  const started: Service<unknown>[] = [];
  try {
    const [mongo, redis, temporal] = await Promise.all([startMongo(opts), startRedis(opts), startTemporal(opts)]);
    started.push(mongo, redis, temporal);
    const testServerPath = tools.testServer();
    if (!testServerPath) throw new Error('no time-skipping test server: run `npm run provision` or set TEMPORAL_TEST_SERVER_PATH');
    project.provide('stack', {
      mongoUrl: mongo.value,
      redisUrl: redis.value,
      temporalAddress: temporal.value.address,
      temporalNamespace: temporal.value.namespace,
      testServerPath,
      logDir,
    });
  } catch (error) {
    await Promise.all(started.map((s) => s.stop()));
    throw error;
  }
  return async () => {
    await Promise.all(started.map((s) => s.stop()));
    if (!process.env.KEEP_TEST_DATA) rmSync(dataDir, { recursive: true, force: true });
  };
}
