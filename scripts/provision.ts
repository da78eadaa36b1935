// Makes sure the local stack's tools exist, installing them from the registries
// this machine reaches (Go module proxy, Maven Central, Debian) into a cache
// outside the clone. Idempotent: a second run finds everything and returns at once.
// Run by `npm start` and `npm test`; `--skip-test-server` is for `npm start`, with
// `--cluster` for `npm run start:cluster` (the tools of the local Temporal cluster).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  MONGO_JAVA_SERVER_VERSION,
  TEMPORAL_CLI_VERSION,
  TEST_SERVER_VERSION,
  cacheBin,
  cacheDir,
  mongoJavaServerHome,
  onPath,
  tools,
} from './stack/tools.js';
import { freePort, portAnswers, waitFor } from './stack/processes.js';

const here = fileURLToPath(new URL('.', import.meta.url));

class MissingToolchain extends Error {}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env }, cwd });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
}

function requireGo(forWhat: string): string {
  const go = onPath('go') ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go)
    throw new MissingToolchain(
      `${forWhat} needs Go >= 1.24 to build it: install Go (https://go.dev/doc/install or apt-get install golang-go) or put the binary on PATH`,
    );
  return go;
}

async function timed(what: string, work: () => void | Promise<void>): Promise<void> {
  const started = Date.now();
  console.log(`[provision] ${what} ...`);
  await work();
  console.log(`[provision] ${what}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function ensureTemporalCli(): Promise<void> {
  if (tools.temporal() || process.env.TEMPORAL_ADDRESS) return;
  const go = requireGo('the Temporal CLI (or set TEMPORAL_ADDRESS / TEMPORAL_CLI_PATH)');
  await timed(`building temporal CLI ${TEMPORAL_CLI_VERSION}`, () =>
    run(go, ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`], { GOBIN: cacheBin, GOFLAGS: '-buildvcs=false' }),
  );
}

/**
 * The script that starts mongo-java-server. A small heap keeps it small; the serial collector
 * needs no extra threads on a 2-core machine (the data of a test run or a demo shop is far below
 * the cap). TrimNativeHeapInterval (JDK 17.0.9+, 21.0.1+) hands the C heap's freed memory back to
 * the OS every 2 s: the JIT compilers' arenas of a warm-up stayed resident otherwise, and with it
 * the idle server after a bench's warm-up was 70-76 MiB instead of 85-101 MiB (issue 21). An older
 * JDK ignores the option (IgnoreUnrecognizedVMOptions) and runs as before.
 */
function launcherScript(lib: string, classes: string): string {
  const options = '-Xms16m -Xmx256m -XX:+UseSerialGC -Xss512k -XX:+IgnoreUnrecognizedVMOptions -XX:TrimNativeHeapInterval=2000';
  return `#!/bin/sh\nexec java ${options} -cp "${lib}/*:${classes}" MongoJavaServerLauncher "$@"\n`;
}

async function ensureMongoJavaServer(): Promise<void> {
  if (process.env.MONGO_URL || tools.mongod()) return;
  const source = resolve(here, 'provision/MongoJavaServerLauncher.java');
  const lib = join(mongoJavaServerHome, 'lib');
  const classes = join(mongoJavaServerHome, 'classes');
  const script = launcherScript(lib, classes);
  // The launcher is compiled from the committed source: a changed source (or start script) is made again.
  const fingerprint = createHash('sha256').update(readFileSync(source)).update(script).update(MONGO_JAVA_SERVER_VERSION).digest('hex');
  const stamp = join(mongoJavaServerHome, 'launcher.sha256');
  if (tools.mongoJavaServer() && existsSync(stamp) && readFileSync(stamp, 'utf8') === fingerprint) return;
  const java = onPath('java');
  const javac = onPath('javac');
  const mvn = onPath('mvn');
  if (!java || !javac || !mvn)
    throw new MissingToolchain(
      'the embedded MongoDB server (mongo-java-server) needs a JDK (>= 17, with javac) and Maven (apt-get install openjdk-17-jdk-headless maven), or set MONGO_URL, or put mongod on PATH',
    );
  if (!existsSync(join(lib, `mongo-java-server-core-${MONGO_JAVA_SERVER_VERSION}.jar`))) {
    await timed(`resolving mongo-java-server ${MONGO_JAVA_SERVER_VERSION} from Maven Central`, () => {
      run(mvn, [
        '-q',
        '-B',
        '-f',
        resolve(here, 'provision/mongo-java-server-pom.xml'),
        `-Dmongo.java.server.version=${MONGO_JAVA_SERVER_VERSION}`,
        'dependency:copy-dependencies',
        `-DoutputDirectory=${lib}`,
        '-DincludeScope=runtime',
      ]);
    });
  }
  await timed('compiling the mongo-java-server launcher', () => {
    rmSync(classes, { recursive: true, force: true });
    run(javac, ['-nowarn', '--release', '17', '-d', classes, '-cp', `${lib}/*`, source]);
  });
  const launcher = join(mongoJavaServerHome, 'mongo-java-server');
  writeFileSync(launcher, script);
  chmodSync(launcher, 0o755);
  writeFileSync(stamp, fingerprint);
}

async function ensureRedis(): Promise<void> {
  if (process.env.REDIS_URL || tools.redisServer()) return;
  const canApt = process.getuid?.() === 0 && onPath('apt-get');
  if (!canApt)
    throw new MissingToolchain('Redis is needed: install the redis-server package (apt-get install redis-server) or set REDIS_URL');
  await timed('installing redis-server from Debian', () => {
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'redis-server'], { DEBIAN_FRONTEND: 'noninteractive' });
  });
}

async function ensureTestServer(): Promise<void> {
  if (process.env.TEMPORAL_TEST_SERVER_PATH && tools.testServer()) return;
  const home = join(cacheDir, `temporal-test-server-${TEST_SERVER_VERSION}`);
  const lib = join(home, 'lib');
  const launcher = join(home, 'temporal-test-server');
  const archive = join(home, 'classes.jsa');
  if (existsSync(launcher) && existsSync(archive)) return;
  const java = onPath('java');
  const mvn = onPath('mvn');
  if (!java || !mvn)
    throw new MissingToolchain(
      'the time-skipping test server needs a JDK (>= 13) and Maven (apt-get install default-jdk-headless maven), or set TEMPORAL_TEST_SERVER_PATH',
    );
  if (!(existsSync(lib) && readdirSync(lib).some((f) => f.startsWith('temporal-test-server'))))
    await timed(`resolving temporal-test-server ${TEST_SERVER_VERSION} from Maven Central`, () => {
      run(mvn, [
        '-q',
        '-B',
        '-f',
        resolve(here, 'provision/test-server-pom.xml'),
        `-Dtemporal.test.server.version=${TEST_SERVER_VERSION}`,
        'dependency:copy-dependencies',
        `-DoutputDirectory=${lib}`,
        '-DincludeScope=runtime',
      ]);
    });
  if (!readdirSync(lib).some((f) => f.startsWith('temporal-test-server'))) throw new Error(`no temporal-test-server jar in ${lib}`);
  const command = ['-Xss2m', '-cp', `${lib}/*`, 'io.temporal.testserver.TestServer'];
  // The SDK gives the test server a fixed 5 s to open its port, and a loaded CI machine has
  // missed it. A class-data archive of the server's own start-up cuts the CPU it needs for that
  // to about a third (127 -> 40 ticks here); java ignores an archive that does not match.
  await timed('archiving the test server classes (AppCDS)', () => dumpClassArchive(java, command, archive));
  // The TypeScript SDK starts an `existing-path` test server as `<path> <port>`.
  const shared = existsSync(archive) ? `-XX:SharedArchiveFile=${archive} ` : '';
  writeFileSync(launcher, `#!/bin/sh\nexec java ${shared}-Xss2m -cp "${lib}/*" io.temporal.testserver.TestServer "$@"\n`);
  chmodSync(launcher, 0o755);
}

/** Runs the test server until it listens, then stops it: the JVM writes the classes it loaded to `archive` as it exits. */
async function dumpClassArchive(java: string, command: string[], archive: string): Promise<void> {
  const port = await freePort();
  const child = spawn(java, [`-XX:ArchiveClassesAtExit=${archive}`, ...command, String(port)], { stdio: 'ignore' });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    await waitFor('the test server (class archive run)', () => portAnswers(port), 120_000, child);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  mkdirSync(cacheBin, { recursive: true });
  const forStartOnly = process.argv.includes('--skip-test-server');
  // `npm run start:cluster` and the chaos and bench runs on it; `npm test` always (test/cluster).
  const forCluster = !forStartOnly || process.argv.includes('--cluster');
  try {
    await ensureRedis();
    await ensureTemporalCli();
    await ensureMongoJavaServer();
    if (!forStartOnly) await ensureTestServer();
    if (forCluster) await import('./provision/cluster-tools.js').then((cluster) => cluster.ensureClusterTools({ run, requireGo, timed }));
    if (!forStartOnly) await import('./provision/deploy-tools.js').then((deploy) => deploy.ensureDeployTools({ run, requireGo, timed }));
    if (!forStartOnly) (await import('./provision/python-tools.js')).ensureSchemathesis();
  } catch (error) {
    console.error(`[provision] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const seconds = (Date.now() - started) / 1000;
  if (seconds > 1) console.log(`[provision] local stack tools ready in ${seconds.toFixed(1)} s (cache: ${cacheDir})`);
}

await main();
