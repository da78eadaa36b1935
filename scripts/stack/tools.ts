// Where the local stack's binaries are: an explicit environment variable, then
// PATH, then the project's cache (filled by scripts/provision.ts).
import { accessSync, constants, existsSync, readdirSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const MONGO_JAVA_SERVER_VERSION = '1.47.0';
export const TEST_SERVER_VERSION = '1.38.0';
/** The Temporal server of the local cluster (npm run start:cluster): the version compose pins and the CLI embeds. */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';

export const cacheDir = process.env.SAGASHOP_CACHE_DIR ?? join(homedir(), '.cache', 'sagashop');
export const cacheBin = join(cacheDir, 'bin');
/** mongo-java-server's jars, the compiled launcher and the script that starts it (scripts/provision.ts). */
export const mongoJavaServerHome = join(cacheDir, `mongo-java-server-${MONGO_JAVA_SERVER_VERSION}`);

/** The Temporal server and its SQL tool, built by `go install` (their binaries are named `server` and `sql`). */
export const temporalServerHome = join(cacheDir, `temporal-server-${TEMPORAL_SERVER_VERSION}`);

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

/** The directory of PostgreSQL's server binaries (initdb, pg_ctl, postgres): PG_BIN, PATH, then Debian's newest. */
function postgresBin(): string | undefined {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const onPathInitdb = onPath('initdb');
  // Through a symlink (a /usr/local/bin/initdb) to where pg_isready and the rest are too.
  if (onPathInitdb) return dirname(realpathSync(onPathInitdb));
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian)
    ? readdirSync(debian)
        .filter((v) => /^\d+$/.test(v) && isExecutable(join(debian, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return versions[0] ? join(debian, versions[0], 'bin') : undefined;
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
  temporalServer: () => firstExisting(process.env.TEMPORAL_SERVER_PATH, join(temporalServerHome, 'bin', 'server')),
  temporalSql: () => firstExisting(process.env.TEMPORAL_SQL_TOOL_PATH, join(temporalServerHome, 'bin', 'sql')),
  postgresBin,
};
