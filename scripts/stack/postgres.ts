// PostgreSQL for the local Temporal cluster: a database cluster initialised under
// the data directory on first start (user `temporal`, trust on loopback only),
// then the server itself as a supervised process on its port. PostgreSQL refuses
// to run as root, so under root its files belong to the `postgres` user and it is
// started through setpriv, which execs it as that user: the supervised child is
// the server itself, so a SIGKILL of it is a real crash of PostgreSQL.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import type { InfraOptions, Service } from './infra.js';
import { freePort, spawnManaged, waitFor } from './processes.js';
import { tools } from './tools.js';

export interface PostgresInfo {
  host: string;
  port: number;
  /** The role Temporal connects as (no password: trust on 127.0.0.1). */
  user: string;
  dataDir: string;
}

export const POSTGRES_USER = 'temporal';

const asRoot = () => process.getuid?.() === 0;

/** uid and gid of the `postgres` system user. */
function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || uid <= 0) throw new Error('PostgreSQL cannot run as root and there is no `postgres` user to run it as');
  return { uid, gid };
}

/** A command as the user PostgreSQL runs as (itself, unless that is root). */
const asPostgres = (command: string, args: string[]): [string, string[]] =>
  asRoot() ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', command, ...args]] : [command, args];

/** Whether the `postgres` user can reach `dir` (every directory above it searchable by others). */
function reachable(dir: string): boolean {
  const [command, args] = asPostgres('test', ['-x', dir]);
  return spawnSync(command, args).status === 0;
}

/**
 * Where the database cluster lives: `<dataDir>/postgres`, unless root runs us in a directory the
 * `postgres` user cannot reach (a clone under /root): then under its own home, named after dataDir.
 */
function clusterDir(dataDir: string): string {
  const wanted = join(resolve(dataDir), 'postgres');
  if (!asRoot() || reachable(dirname(wanted))) return wanted;
  const name = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 12);
  return join('/var/lib/postgresql', `sagashop-${name}`);
}

function initialise(bin: string, dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (asRoot()) {
    const { uid, gid } = postgresIds();
    chownSync(dir, uid, gid);
  }
  if (existsSync(join(dir, 'PG_VERSION'))) return;
  const [command, args] = asPostgres(join(bin, 'initdb'), [
    '-D',
    dir,
    '-U',
    POSTGRES_USER,
    '--auth=trust',
    '--encoding=UTF8',
    '--no-instructions',
  ]);
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`initdb of ${dir} failed: ${result.stderr || result.stdout}`);
}

/** The server accepts connections (not merely its port: it refuses them while it recovers). */
function isReady(bin: string, port: number): boolean {
  return spawnSync(join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]).status === 0;
}

/** Starts PostgreSQL on `port` (a free one when omitted), initialising its files first when there are none. */
export async function startPostgres(opts: InfraOptions & { port?: number }): Promise<Service<PostgresInfo>> {
  const bin = tools.postgresBin();
  if (!bin) throw new Error('no PostgreSQL: run `npm run provision -- --cluster`, install postgresql, or set PG_BIN');
  const dir = clusterDir(opts.dataDir);
  initialise(bin, dir);
  const port = opts.port ?? (await freePort());
  // Durable as in production (fsync on); the unix socket in the data directory, so nothing outside it is needed.
  const [command, args] = asPostgres(join(bin, 'postgres'), [
    '-D',
    dir,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'max_connections=300',
    '-c',
    'shared_buffers=64MB',
  ]);
  const managed = spawnManaged('postgres', command, args, { logFile: join(opts.logDir, 'postgres.log') });
  await waitFor(`postgres on ${port}`, () => Promise.resolve(isReady(bin, port)), 60_000, managed).catch(async (error: unknown) => {
    await managed.stop();
    throw error;
  });
  // Always supervised: the data is on disk even in tests, so a restart comes back whole.
  managed.supervise(opts.supervision);
  return { value: { host: '127.0.0.1', port, user: POSTGRES_USER, dataDir: dir }, managed, stop: () => managed.stop() };
}
