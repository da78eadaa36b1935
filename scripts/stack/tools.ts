// Where the local stack's binaries are: an explicit environment variable, then
// PATH, then the project's cache (filled by scripts/provision.ts).
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const MONGO_JAVA_SERVER_VERSION = '1.47.0';
export const TEST_SERVER_VERSION = '1.38.0';

export const cacheDir = process.env.SAGASHOP_CACHE_DIR ?? join(homedir(), '.cache', 'sagashop');
export const cacheBin = join(cacheDir, 'bin');
/** mongo-java-server's jars, the compiled launcher and the script that starts it (scripts/provision.ts). */
export const mongoJavaServerHome = join(cacheDir, `mongo-java-server-${MONGO_JAVA_SERVER_VERSION}`);

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function firstExisting(...candidates: Array<string | undefined>): string | undefined {
  return candidates.find((c): c is string => !!c && isExecutable(c));
}

export const tools = {
  temporal: () => firstExisting(process.env.TEMPORAL_CLI_PATH, onPath('temporal'), join(cacheBin, 'temporal')),
  mongoJavaServer: () => firstExisting(join(mongoJavaServerHome, 'mongo-java-server')),
  mongod: () => firstExisting(process.env.MONGOD_PATH, onPath('mongod')),
  redisServer: () => firstExisting(process.env.REDIS_SERVER_PATH, onPath('redis-server'), '/usr/bin/redis-server'),
  testServer: () =>
    firstExisting(
      process.env.TEMPORAL_TEST_SERVER_PATH,
      join(cacheDir, `temporal-test-server-${TEST_SERVER_VERSION}`, 'temporal-test-server'),
    ),
};
